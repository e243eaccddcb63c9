// The likely reason for a CSV row with a different number of values ('csv-ragged' names it by a
// cause code that core's CSV reader picks), in both languages.

export const CSV_CAUSES: Record<string, { en: string; es: string }> = {
  'decimal-comma': {
    en: "If the numbers use decimal commas (0,5), separate the values with ';' (or add a first line sep=;), as a spreadsheet in Spanish does.",
    es: "Si los números usan coma decimal (0,5), separe los valores con ';' (o añada una primera línea sep=;), como hace una hoja de cálculo en español.",
  },
  'empty-cell': {
    en: 'A value is empty (two separators in a row).',
    es: 'Hay un valor vacío (dos separadores seguidos).',
  },
  missing: {
    en: 'A value is missing from this row, or the rows have different lengths.',
    es: 'Falta un valor en esta fila, o las filas tienen longitudes distintas.',
  },
  extra: {
    en: 'This row has a value too many, or the rows have different lengths.',
    es: 'Esta fila tiene un valor de más, o las filas tienen longitudes distintas.',
  },
}
