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
} as const
