// Push settings of a channel: a signed push URL valid for a chosen time, its OBS form and an ffmpeg command.
import { queryString } from './oss.js';
import { attempt, copyField, h, openDialog } from './ui.js';

const EXPIRIES = [['1 hour', 3600], ['1 day', 86400], ['7 days', 7 * 86400], ['30 days', 30 * 86400],
  ['1 year', 365 * 86400]];

/** Splits a push URL into OBS's two fields: everything up to the app, and the stream name with its query. */
export function obsFields(pushUrl) {
  const query = pushUrl.indexOf('?');
  const path = query < 0 ? pushUrl : pushUrl.slice(0, query);
  const slash = path.lastIndexOf('/');
  return { server: path.slice(0, slash), streamKey: pushUrl.slice(slash + 1) };
}

/** {@code row} has name, publishUrl (unsigned, from ListLiveChannel) and info.playlistName. */
export function openPushSettings(client, bucket, row) {
  openDialog(`Push settings · ${row.name}`, () => {
    const expiry = h('select', { id: 'push-expiry' },
      ...EXPIRIES.map(([label, seconds]) => new Option(label, String(seconds), false, seconds === 86400)));
    const output = h('div', { class: 'push-fields' });
    const render = () => attempt('Signing the push URL', async () => {
      const expires = Math.floor(Date.now() / 1000) + Number(expiry.value);
      const query = await client.signer.pushQuery(bucket, row.name, expires,
        { playlistName: row.info.playlistName });
      const url = `${row.publishUrl}?${queryString(query)}`;
      const obs = obsFields(url);
      output.replaceChildren(
        copyField('Push URL', url),
        h('div', { class: 'grid2' }, copyField('OBS Server', obs.server), copyField('OBS Stream Key', obs.streamKey)),
        copyField('ffmpeg command', `ffmpeg -re -i input.mp4 -c:v libx264 -preset veryfast -g 60 -c:a aac -f flv "${url}"`,
          { multiline: true }),
        h('p', { class: 'hint' }, `Valid until ${new Date(expires * 1000).toLocaleString()}. Anyone with this URL `
          + 'can push to the channel until then; disabling the channel stops them.'));
    });
    expiry.addEventListener('change', render);
    render();
    return h('div', {}, h('div', { class: 'field inline' }, h('label', { for: 'push-expiry' }, 'Valid for'), expiry),
      output);
  }, { wide: true });
}
