// Create or edit a channel: every PutLiveChannel field. Values are checked by the API itself, so the messages
// shown are exactly the API's.
import { elements } from './xml.js';
import { h, openDialog, showNotice } from './ui.js';
import { OssError } from './oss.js';

function field(label, input, hint) {
  return h('div', { class: 'field' }, h('label', { for: input.id }, label), input,
    hint ? h('p', { class: 'hint', id: `${input.id}-hint` }, hint) : null);
}

function input(id, value, attributes = {}) {
  return h('input', { id, name: id, value: value ?? '', spellcheck: 'false', ...attributes });
}

/** The LiveChannelConfiguration document of the form's values (wire spec §3.1). */
function configuration(values) {
  const snapshot = values.snapshot ? { Snapshot: { RoleName: values.roleName, DestBucket: values.destBucket,
    NotifyTopic: values.notifyTopic, Interval: values.interval } } : {};
  return `<?xml version="1.0" encoding="UTF-8"?><LiveChannelConfiguration>${elements({
    Description: values.description, Status: values.status,
    Target: { Type: 'HLS', FragDuration: values.fragDuration, FragCount: values.fragCount,
      PlaylistName: values.playlistName },
    ...snapshot,
  })}</LiveChannelConfiguration>`;
}

/**
 * Opens the form; {@code existing} is null to create, else {name, info} of the channel to overwrite.
 * {@code onSaved} runs after the API accepted it.
 */
export function openChannelForm(client, bucket, existing, onSaved) {
  const info = existing?.info ?? { description: '', status: 'enabled', fragDuration: '5', fragCount: '3',
    playlistName: 'playlist.m3u8', snapshot: null };
  const snap = info.snapshot ?? { roleName: '', destBucket: bucket, notifyTopic: '', interval: '5' };
  const error = h('div', { class: 'form-error', role: 'alert', hidden: true });
  const snapshotOn = h('input', { id: 'snapshot-on', type: 'checkbox', checked: Boolean(info.snapshot) });
  const snapshotFields = h('div', { class: 'grid2', hidden: !info.snapshot },
    field('Destination bucket', input('dest-bucket', snap.destBucket)),
    field('Interval (seconds)', input('interval', snap.interval, { type: 'number', inputmode: 'numeric' })),
    field('Role name', input('role-name', snap.roleName), 'Stored and shown only: there are no roles here.'),
    field('Notify topic', input('notify-topic', snap.notifyTopic)));
  snapshotOn.addEventListener('change', () => { snapshotFields.hidden = !snapshotOn.checked; });

  openDialog(existing ? `Edit ${existing.name}` : 'New channel', (close) => {
    const form = h('form', { novalidate: true, class: 'channel-form' },
      field('Name', input('channel-name', existing?.name, { required: true, readonly: Boolean(existing),
        autocomplete: 'off' }), existing ? 'A channel keeps its name.' : 'Letters, digits and most punctuation; no “/”.'),
      field('Description', input('description', info.description)),
      field('Status', h('select', { id: 'status', name: 'status' },
        new Option('enabled', 'enabled', false, info.status !== 'disabled'),
        new Option('disabled', 'disabled', false, info.status === 'disabled'))),
      h('div', { class: 'grid3' },
        field('Segment duration (FragDuration, s)', input('frag-duration', info.fragDuration,
          { type: 'number', inputmode: 'numeric' })),
        field('Segments in playlist (FragCount)', input('frag-count', info.fragCount,
          { type: 'number', inputmode: 'numeric' })),
        field('Playlist name', input('playlist-name', info.playlistName))),
      h('fieldset', {}, h('legend', {}, 'Snapshots'),
        h('div', { class: 'check' }, snapshotOn, h('label', { for: 'snapshot-on' }, 'Take a snapshot every interval')),
        snapshotFields),
      error,
      h('div', { class: 'buttons' },
        h('button', { type: 'button', class: 'secondary', onclick: close }, 'Cancel'),
        h('button', { type: 'submit', class: 'primary' }, existing ? 'Save' : 'Create channel')));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const v = (id) => form.querySelector(`#${id}`).value;
      const name = v('channel-name').trim();
      error.hidden = true;
      if (!name) {
        showFormError(error, new OssError(0, 'InvalidArgument', 'Enter a channel name.', ''));
        return;
      }
      const body = configuration({ description: v('description'), status: v('status'),
        fragDuration: v('frag-duration').trim(), fragCount: v('frag-count').trim(),
        playlistName: v('playlist-name').trim(), snapshot: snapshotOn.checked, roleName: v('role-name'),
        destBucket: v('dest-bucket').trim(), notifyTopic: v('notify-topic'), interval: v('interval').trim() });
      try {
        await client.send({ method: 'PUT', bucket, key: name, query: { live: '' },
          headers: { 'Content-Type': 'application/xml' }, body });
      } catch (e) {
        showFormError(error, e);
        return;
      }
      close();
      showNotice(existing ? `${name} saved.` : `${name} created.`);
      onSaved(name);
    });
    return form;
  }, { wide: true });
  document.getElementById(existing ? 'description' : 'channel-name').focus();
}

function showFormError(area, e) {
  area.replaceChildren(e.code ? h('strong', {}, e.code) : '', e.code ? ' ' : '', e.message);
  area.hidden = false;
}

