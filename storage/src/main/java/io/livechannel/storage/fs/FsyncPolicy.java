package io.livechannel.storage.fs;

import io.livechannel.storage.PutOptions;

/**
 * When the filesystem store forces an object to disk ({@code fsync} of the file, then of its directory after the
 * rename) before a put returns. Every policy writes a temporary file and renames it over the target, so a reader
 * and a killed process ({@code kill -9}, the OOM killer, a crash of the JVM) only ever see whole objects: the
 * written pages belong to the kernel's page cache, which the kernel writes out whatever happens to the process.
 * The policies differ only in what survives a power loss or a kernel crash.
 *
 * <table>
 *   <caption>policies</caption>
 *   <tr><th>policy</th><th>forced to disk</th><th>after a power loss</th></tr>
 *   <tr><td>{@link #ALWAYS}</td><td>every object</td><td>every put that returned is on disk</td></tr>
 *   <tr><td>{@link #UPLOADS} (default)</td><td>{@link PutOptions.Origin#UPLOAD}s (PutObject and other API
 *       writes) and deletes</td><td>uploads as {@code ALWAYS}; the live segments and playlists of the last
 *       seconds (the kernel writes dirty pages out within about 30 s, {@code vm.dirty_expire_centisecs}) may be
 *       missing, stale, empty or (on some file systems) partly zero-filled; an empty file or one that lost its
 *       header reads as an I/O error (the object format's magic and size checks); reads do not verify the
 *       content checksum</td></tr>
 *   <tr><td>{@link #NEVER}</td><td>nothing</td><td>as {@code UPLOADS}, for uploads and deletes too</td></tr>
 * </table>
 *
 * <p>Why {@code UPLOADS} is the default: live output is what nginx-rtmp, SRS and MediaMTX write without any fsync;
 * a segment is superseded within seconds and a playlist within one segment, and forcing each one costs a disk
 * flush per object (two with the directory), which at hundreds of channels is most of the write threads' time.
 * An upload, though, may exist nowhere else once the client has its 200, as with OSS itself.
 *
 * <p>Power-loss caveat for {@code UPLOADS} and {@code NEVER}: the catalog (SQLite) is durable on its own, so
 * after a power loss the segment index may list live segments whose files did not survive.
 */
public enum FsyncPolicy {
    ALWAYS, UPLOADS, NEVER;

    /** The server's default; see the class comment. */
    public static final FsyncPolicy DEFAULT = UPLOADS;

    /** Whether a put with these options is forced to disk. */
    boolean forces(PutOptions options) {
        return switch (this) {
            case ALWAYS -> true;
            case UPLOADS -> options.origin() == PutOptions.Origin.UPLOAD;
            case NEVER -> false;
        };
    }

    /** Whether deletes are forced to disk (a delete has no origin: it counts as an API write). */
    boolean forcesDeletes() {
        return this != NEVER;
    }
}
