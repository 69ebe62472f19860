/**
 * The model zoo: the image-classification networks of MXNet 1.x's
 * {@code example/image-classification/symbols} (MLP, LeNet, AlexNet, VGG, ResNet v1 and v2,
 * Inception-BN, MobileNet) as {@link org.kindling.symbol.Symbol}s whose node names, parameters,
 * argument names and order equal MXNet's, so that checkpoints trained with those scripts bind
 * by name. {@link org.kindling.symbol.zoo.Zoo#get} picks one by name; {@link
 * org.kindling.symbol.zoo.Layers} is the fluent layer builder they are written with.
 */
package org.kindling.symbol.zoo;
