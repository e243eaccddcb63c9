// Sample inputs generated in code: values in [0, 1], one channel, any size.

export type SampleId = 'checkerboard' | 'gradient' | 'digit' | 'disc'
export const SAMPLE_IDS: readonly SampleId[] = ['digit', 'checkerboard', 'gradient', 'disc']

export function sampleImage(id: SampleId, height: number, width: number): Float64Array {
  const data = new Float64Array(height * width)
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) data[r * width + c] = sampleValue(id, r, c, height, width)
  }
  return data
}

function sampleValue(id: SampleId, r: number, c: number, height: number, width: number): number {
  // Normalised coordinates of the cell centre in [0, 1].
  const y = (r + 0.5) / height
  const x = (c + 0.5) / width
  switch (id) {
    case 'checkerboard': {
      const square = Math.max(1, Math.round(Math.min(height, width) / 7))
      return (Math.floor(r / square) + Math.floor(c / square)) % 2
    }
    case 'gradient':
      return width === 1 ? 0 : c / (width - 1)
    case 'disc':
      return (x - 0.5) ** 2 + (y - 0.5) ** 2 <= 0.35 ** 2 ? 1 : 0
    case 'digit':
      return sevenStroke(x, y, Math.max(0.6 / Math.min(height, width), 0.06))
  }
}

/** A handwritten-looking "7": a top bar and a slanted stem, drawn with a given thickness. */
function sevenStroke(x: number, y: number, half: number): number {
  const top = Math.abs(y - 0.2) <= half && x >= 0.2 && x <= 0.8
  // Stem from (0.8, 0.2) to (0.4, 0.85).
  const t = Math.min(1, Math.max(0, (y - 0.2) / 0.65))
  const stemX = 0.8 - 0.4 * t
  const stem = y >= 0.2 - half && y <= 0.85 + half && Math.abs(x - stemX) <= half
  return top || stem ? 1 : 0
}
