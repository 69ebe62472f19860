package org.kindling.tensor.op.optimizer;

import org.kindling.tensor.op.Param;

/**
 * The parameters several update operators declare alike (name, type, default), as MXNet's
 * parameter structs repeat them. An operator that differs (a required {@code wd}, another
 * {@code epsilon} or {@code beta1}) declares its own.
 */
final class UpdateParams {
  private UpdateParams() {}

  static final Param<Float> LR = Param.requiredFloat("lr");
  static final Param<Float> WD = Param.floatParam("wd", 0f);
  static final Param<Float> RESCALE_GRAD = Param.floatParam("rescale_grad", 1f);
  static final Param<Float> CLIP_GRADIENT = Param.floatParam("clip_gradient", -1f);
  static final Param<Boolean> LAZY_UPDATE = Param.boolParam("lazy_update", true);
  static final Param<Float> MOMENTUM = Param.floatParam("momentum", 0f);
  static final Param<Float> BETA1 = Param.floatParam("beta1", 0.9f);
  static final Param<Float> BETA2 = Param.floatParam("beta2", 0.999f);
  static final Param<Float> EPSILON = Param.floatParam("epsilon", 1e-8f);
  static final Param<Float> GAMMA1 = Param.floatParam("gamma1", 0.95f);
  static final Param<Float> CLIP_WEIGHTS = Param.floatParam("clip_weights", -1f);
}
