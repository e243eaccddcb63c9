// Renames the words of a Conv2d frame for the ConvTranspose2d view it also is (dE/dy becomes x,
// dE/d(xpad) the uncropped output, …): the same panels and numbers, named for the layer shown.

import type { FrameModel, Panel } from './panel'

export type Renaming = ReadonlyArray<readonly [string | RegExp, string]>

export function renameText(text: string, renaming: Renaming): string {
  return renaming.reduce((out, [from, to]) => (typeof from === 'string' ? out.split(from).join(to) : out.replace(from, to)), text)
}

/** The model with every title, formula line and legend renamed; `panel` may change a panel further. */
export function relabelModel(model: FrameModel, renaming: Renaming, panel: (p: Panel, column: number, index: number) => Panel = (p) => p): FrameModel {
  return {
    ...model,
    title: renameText(model.title, renaming),
    formula: model.formula.map((line) => renameText(line, renaming)),
    legend: renameText(model.legend, renaming),
    columns: model.columns.map((column, c) => ({
      ...column,
      panels: column.panels.map((p, k) => panel({ ...p, title: renameText(p.title, renaming) }, c, k)),
    })),
  }
}
