// What each option of a STACK.json layer must be, for 'stack-file-option-value' in both languages
// (options not listed are pairs: stride, kernel_size, dilation, output_padding...).

export const OPTION_EXPECTED: Record<string, { en: string; es: string }> = {
  weight: { en: 'the path of a .npy file', es: 'la ruta de un archivo .npy' },
  bias: { en: 'the path of a .npy file, or null', es: 'la ruta de un archivo .npy, o null' },
  padding: {
    en: "a whole number, a pair [h, w], 'same' or 'valid'",
    es: "un entero, un par [h, w], 'same' o 'valid'",
  },
  padding_mode: { en: 'zeros, reflect, replicate or circular', es: 'zeros, reflect, replicate o circular' },
  negative_slope: { en: 'a number', es: 'un número' },
  divisor_override: { en: 'a whole number or null', es: 'un entero o null' },
  groups: { en: 'a whole number', es: 'un entero' },
  in_channels: { en: 'a whole number', es: 'un entero' },
  out_channels: { en: 'a whole number', es: 'un entero' },
  ceil_mode: { en: 'true or false', es: 'true o false' },
  count_include_pad: { en: 'true or false', es: 'true o false' },
  inplace: { en: 'true or false', es: 'true o false' },
}

export const PAIR_EXPECTED = { en: 'a whole number or a pair [h, w]', es: 'un entero o un par [h, w]' }
