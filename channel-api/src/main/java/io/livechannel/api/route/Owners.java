package io.livechannel.api.route;

import io.livechannel.api.xml.ListBucketResult;

/** The one owner every bucket and object has on a single-tenant server (SDKs require an Owner element). */
final class Owners {
    static final ListBucketResult.Owner SERVER = new ListBucketResult.Owner("livechannel", "livechannel");

    private Owners() {
    }
}
