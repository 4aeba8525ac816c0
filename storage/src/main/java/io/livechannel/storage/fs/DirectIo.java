package io.livechannel.storage.fs;

/**
 * Whether the filesystem store writes live output (segments and playlists, {@code PutOptions.Origin.LIVE_OUTPUT})
 * with {@code O_DIRECT}, past the page cache ({@link DirectFileWriter} explains why, and its one fixed wait and
 * fallback). Uploads always go through the page cache, as a client may read them back at once.
 *
 * <table>
 *   <caption>settings</caption>
 *   <tr><th>setting</th><th>live output</th><th>first read of a segment</th></tr>
 *   <tr><td>{@link #AUTO} (default)</td><td>direct when the file system takes it (probed when the store opens;
 *       ext4 and XFS do, tmpfs before Linux 6.6 does not; logged at INFO), else through the page cache; objects
 *       under one block or over 4 MiB, and writes not done within 20 ms, go through the page cache</td>
 *       <td>from the device when written directly</td></tr>
 *   <tr><td>{@link #NEVER}</td><td>through the page cache</td><td>usually from memory</td></tr>
 * </table>
 *
 * <p>Neither setting changes what a reader or a killed process sees: both write a temporary file and rename it.
 */
public enum DirectIo {
    AUTO, NEVER;

    /** The server's default; see the class comment. */
    public static final DirectIo DEFAULT = AUTO;
}
