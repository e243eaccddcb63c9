// The lesson gallery's ready sessions, shipped in samples/lessons/ (written by scripts/lessons.mjs)
// and bundled into the page, in the order a course meets them.

const files = import.meta.glob('../../../../samples/lessons/*.convolab', { query: '?raw', import: 'default', eager: true }) as Record<string, string>

export const LESSON_IDS = [
  'no-padding',
  'half-padding',
  'full-padding',
  'stride-2',
  'dilation-2',
  'depthwise',
  'reflect-padding',
  'notebook-forward',
  'notebook-backward',
  'learn-sobel-x',
] as const
export type LessonId = (typeof LESSON_IDS)[number]

/** The session text of a lesson. */
export function lessonText(id: LessonId): string {
  const text = Object.entries(files).find(([path]) => path.endsWith(`/${id}.convolab`))?.[1]
  if (text === undefined) throw new Error(`lesson ${id} is not in samples/lessons`)
  return text
}
