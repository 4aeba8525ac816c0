/**
 * Jackson XML records named exactly like the OSS elements (wire spec §3, §7, §8), and {@link
 * io.livechannel.api.xml.OssXml}, the one mapper. Requests are read order-independently with unknown
 * elements ignored; responses are written with an XML declaration, 2-space indentation and the element order
 * of the spec. No Netty types here.
 */
package io.livechannel.api.xml;
