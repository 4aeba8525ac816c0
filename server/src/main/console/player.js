// Plays a channel's live playlist or a VoD playlist in the page with hls.js. On a private bucket the player gets
// one presigned URL with x-oss-process=hls/sign, and the server signs every URL inside the playlists it returns.
import Hls from './vendor/hls.light.mjs';
import { h, openDialog } from './ui.js';

/** How long a preview's signed URL lives; a player left open longer has to be reopened. */
const PLAY_URL_SECONDS = 3600;
/** A live playlist not written yet is asked for again this often, this many times (a segment is at most 100 s). */
const FIRST_SEGMENT_RETRY_MILLIS = 2000;
const FIRST_SEGMENT_WAITS = 60;

/** The URL a player loads: unsigned for public buckets, else signed with hls/sign. */
export async function playUrl(client, bucket, acl, key) {
  if (acl === 'public-read' || acl === 'public-read-write') {
    return `/${encodeURIComponent(bucket)}/${key.split('/').map(encodeURIComponent).join('/')}`;
  }
  return client.presignedUrl(bucket, key, { 'x-oss-process': 'hls/sign' }, PLAY_URL_SECONDS);
}

/** Opens a dialog playing {@code key} of {@code bucket}; {@code live} says whether it is a live playlist. */
export function openPlayer(client, bucket, acl, { title, key, live }) {
  let hls = null;
  const video = h('video', { id: 'player-video', controls: true, muted: true, autoplay: true, playsinline: true });
  video.muted = true; // autoplay needs it
  const status = h('p', { class: 'player-status muted', role: 'status' }, 'Loading…');
  const dialog = openDialog(title, () => h('div', { class: 'player' }, video, status), { wide: true });
  dialog.addEventListener('close', () => hls?.destroy());
  const report = (message) => { status.textContent = message; };
  video.addEventListener('playing', () => report(live ? 'Playing live' : 'Playing'));
  video.addEventListener('waiting', () => report('Buffering…'));
  video.addEventListener('ended', () => report('Ended'));

  playUrl(client, bucket, acl, key).then((url) => {
    if (Hls.isSupported()) {
      let waits = 0;
      const load = () => {
        hls = new Hls({ liveDurationInfinity: live, enableWorker: true });
        hls.on(Hls.Events.ERROR, (_, data) => {
          if (!data.fatal) return;
          hls.destroy();
          // A channel that just went live has no playlist until its first segment is cut: wait for it.
          if (live && data.details === Hls.ErrorDetails.MANIFEST_LOAD_ERROR && data.response?.code === 404
              && waits++ < FIRST_SEGMENT_WAITS && dialog.open) {
            report('Waiting for the first segment…');
            setTimeout(load, FIRST_SEGMENT_RETRY_MILLIS);
            return;
          }
          const code = data.response?.code ? ` (HTTP ${data.response.code})` : '';
          report(`Playback failed: ${data.details}${code}`);
        });
        hls.loadSource(url);
        hls.attachMedia(video);
      };
      load();
    } else if (video.canPlayType('application/vnd.apple.mpegurl')) {
      video.src = url;
    } else {
      report('This browser cannot play HLS.');
    }
  }, (e) => report(`Could not sign the play URL: ${e.message}`));
}
