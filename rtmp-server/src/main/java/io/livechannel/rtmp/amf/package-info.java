/**
 * AMF0 (Adobe "Action Message Format AMF 0", 2007): the sealed {@link io.livechannel.rtmp.amf.AmfValue} family
 * and the pure {@link io.livechannel.rtmp.amf.Amf0Reader}/{@link io.livechannel.rtmp.amf.Amf0Writer} pair over
 * {@code ByteBuf}. No pipeline or channel types.
 */
package io.livechannel.rtmp.amf;
