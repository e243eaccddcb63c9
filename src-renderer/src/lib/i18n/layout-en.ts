// English text of the layout, the design system's controls, Present mode and the guidance.
// layout-es.ts has the same keys; both are part of en.ts and es.ts.

export const layoutEn = {
  'layout.sidePanel': 'Input, kernel and settings',
  'layout.results': 'Feature maps, arithmetic and code',
  'layout.hideSide': 'Hide panel',
  'layout.showSide': 'Show input, kernel and settings',
  'field.wholeRange': 'a whole number from {min} to {max}',
  'field.decrease': '{name}: one less',
  'field.increase': '{name}: one more',
  'field.slider': '{name} (slider)',
  'field.groupsValid': 'groups ∈ {{values}}: must divide the input channels ({input}) and the output channels ({output})',
  'field.kernelSize': 'Kernel size KH × KW',
  'settings.size': 'Size H × W',
  'output.stale': 'Last valid result: fix the settings',
  'input.backToGrid': 'Back to the drawing grid',
  'input.sizeAndPhoto': 'Size, batch and photo',
  'kernel.preset.custom': 'Your own kernel',
  'kernel.more': 'Channels, random filter, painting, file',
  'output.time': '{ms} ms',
  'work.about.animation': 'Watch the kernel slide over the input, one multiply-add at a time.',
  'work.about.backward': 'The gradients dE/dx, dE/dw and dE/db for a chosen dE/dy, with every number.',
  'work.about.check': 'Each gradient compared with a finite difference, as a test of the maths.',
  'work.about.learn': 'Gradient descent changes the kernel until the output matches a target.',
} as const
