package io.livechannel.rtmp.amf;

/**
 * One AMF0 value (AMF0 spec §2). The family is closed: each member models one wire type, objects keep their
 * entries in wire order.
 */
public sealed interface AmfValue
        permits AmfNumber, AmfBoolean, AmfString, AmfObject, AmfEcmaArray, AmfStrictArray, AmfNull, AmfUndefined,
        AmfDate {
}
