/** Activation functions looked up by Keras name. The functions themselves are ops (src/ops/activations.ts, unary.ts). */
export { activationNames, getActivation, registerActivation, serializeActivation, type ActivationFn, type ActivationIdentifier } from './get-activation.js';
