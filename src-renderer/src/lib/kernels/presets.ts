// The kernel presets live in core (the headless export's learning target needs them too).
export * from '../../../../core/presets'
