// The MSE target "the input filtered by a preset": the preset centred in a kernel of the current
// kernel's size (cropped if it is larger), so the target always has the output's shape. In core,
// since the headless export of the learning animation needs it too.
export { filteredTarget, presetWeightLike } from '../../../../core/learning'
