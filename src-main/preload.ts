// The sandboxed preload: the only bridge from the page to main. It exposes four functions and
// nothing of Electron or Node. Built as one CommonJS file whose only import is 'electron'.

import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import type { ConvolabBridge, EngineEvent } from '../contract'

// Literal channel names: importing the contract's constants would pull its module into this bundle.
const IPC_INVOKE = 'convolab:invoke'
const IPC_EVENT = 'convolab:event'
const IPC_PAGE_ERROR = 'convolab:page-error'
const IPC_CONTEXT_MENU = 'convolab:context-menu'

const bridge: ConvolabBridge = {
  invoke: (method, request) => ipcRenderer.invoke(IPC_INVOKE, method, request),
  onEvent: (listener) => {
    const forward = (_event: IpcRendererEvent, engineEvent: EngineEvent): void => listener(engineEvent)
    ipcRenderer.on(IPC_EVENT, forward)
    return () => {
      ipcRenderer.removeListener(IPC_EVENT, forward)
    }
  },
  // One-way messages: main checks the sender and the payload, and answers nothing.
  reportError: (report) => ipcRenderer.send(IPC_PAGE_ERROR, report),
  showContextMenu: (request) => ipcRenderer.send(IPC_CONTEXT_MENU, request),
}

contextBridge.exposeInMainWorld('convolab', bridge)
