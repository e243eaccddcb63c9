// Texto en español del diseño, los controles, el modo Presentar y la guía (claves de layout-en.ts).

import type { layoutEn } from './layout-en'

export const layoutEs: Record<keyof typeof layoutEn, string> = {
  'layout.sidePanel': 'Entrada, kernel y parámetros',
  'layout.results': 'Mapas de características, aritmética y código',
  'layout.hideSide': 'Ocultar panel',
  'layout.showSide': 'Mostrar entrada, kernel y parámetros',
  'field.wholeRange': 'un número entero de {min} a {max}',
  'field.decrease': '{name}: uno menos',
  'field.increase': '{name}: uno más',
  'field.slider': '{name} (deslizador)',
  'field.groupsValid': 'grupos ∈ {{values}}: debe dividir los canales de entrada ({input}) y los de salida ({output})',
  'field.kernelSize': 'Tamaño del kernel KH × KW',
  'settings.size': 'Tamaño H × W',
  'output.stale': 'Último resultado válido: corrija los parámetros',
  'input.backToGrid': 'Volver a la cuadrícula de dibujo',
  'input.sizeAndPhoto': 'Tamaño, lote y foto',
  'kernel.preset.custom': 'Kernel propio',
  'kernel.more': 'Canales, filtro aleatorio, pintar, archivo',
  'output.time': '{ms} ms',
  'work.about.animation': 'Vea el kernel deslizarse sobre la entrada, una multiplicación y suma a la vez.',
  'work.about.backward': 'Los gradientes dE/dx, dE/dw y dE/db para un dE/dy elegido, con todos sus números.',
  'work.about.check': 'Cada gradiente comparado con una diferencia finita, para comprobar las cuentas.',
  'work.about.learn': 'El descenso por gradiente cambia el kernel hasta que la salida se parece al objetivo.',
  'present.button': 'Presentar',
  'present.title': 'Modo presentación',
  'present.exit': 'Salir',
  'present.input': 'H×W = {h}×{w}',
}
