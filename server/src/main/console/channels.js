// The channel table of one bucket: paging with markers, a name-prefix filter, live statistics refreshed every
// few seconds, and each row's actions.
import { children, parseXml, text } from './xml.js';
import { attempt, formatBitrate, formatSince, formatTime, h, showError, showNotice, statusBadge } from './ui.js';
import { openChannelForm } from './channel-form.js';
import { openChannelDetails } from './channel-details.js';
import { openPushSettings } from './push-settings.js';
import { openPlayer } from './player.js';

/** How often the table asks for each shown channel's statistics. */
const REFRESH_MILLIS = 4000;
/** Requests in flight at once while refreshing a page (browsers keep about six connections per host). */
const PARALLEL_REQUESTS = 6;
const PAGE_SIZES = [25, 50, 100];

/** Runs {@code task} over {@code items}, at most {@code limit} at a time; resolves when all have settled. */
async function eachLimited(items, limit, task) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++];
      await task(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

export class ChannelsView {
  constructor(root, client, bucket, acl) {
    this.root = root;
    this.client = client;
    this.bucket = bucket;
    this.acl = acl;
    this.pageSize = PAGE_SIZES[0];
    this.prefix = '';
    this.markers = ['']; // markers[i] starts page i
    this.page = 0;
    this.nextMarker = null;
    this.rows = []; // {name, description, status, publishUrl, info, stat}
    this.infos = new Map(); // name -> {lastModified, info}
    this.timer = null;
    this.lastRefreshError = '';
  }

  start() {
    this.render();
    this.refresh();
  }

  stop() {
    clearTimeout(this.timer);
    this.timer = null;
    this.stopped = true;
  }

  /** Reloads the current page now (after a change), then keeps refreshing. */
  async refresh() {
    clearTimeout(this.timer);
    if (this.stopped) return;
    try {
      await this.load();
      this.lastRefreshError = '';
      this.updated.textContent = `Updated ${new Date().toLocaleTimeString()}`;
    } catch (e) {
      const key = `${e.code} ${e.message}`;
      if (key !== this.lastRefreshError) {
        showError(e, 'Refreshing the channel list');
        this.lastRefreshError = key;
      }
      this.updated.textContent = 'Refresh failed; retrying';
    }
    this.renderRows();
    if (!this.stopped) {
      this.timer = setTimeout(() => this.refresh(), REFRESH_MILLIS);
    }
  }

  async load() {
    const answer = await this.client.send({ bucket: this.bucket, query: {
      live: '', prefix: this.prefix, marker: this.markers[this.page], 'max-keys': String(this.pageSize) } });
    const doc = parseXml(answer.text);
    this.nextMarker = text(doc, 'IsTruncated') === 'true' ? text(doc, 'NextMarker') : null;
    const rows = children(doc, 'LiveChannel').map((c) => ({
      name: text(c, 'Name'), description: text(c, 'Description'), status: text(c, 'Status'),
      lastModified: text(c, 'LastModified'), publishUrl: text(c, 'PublishUrls/Url'), playUrl: text(c, 'PlayUrls/Url'),
    }));
    await eachLimited(rows, PARALLEL_REQUESTS, async (row) => {
      row.info = await this.info(row);
      row.stat = parseStat(parseXml((await this.client.send({ bucket: this.bucket, key: row.name,
        query: { live: '', comp: 'stat' } })).text));
    });
    this.rows = rows;
  }

  /** GetLiveChannelInfo, asked again only when the channel's LastModified changed. */
  async info(row) {
    const cached = this.infos.get(row.name);
    if (cached && cached.lastModified === row.lastModified) {
      return cached.info;
    }
    const doc = parseXml((await this.client.send({ bucket: this.bucket, key: row.name, query: { live: '' } })).text);
    const info = {
      description: text(doc, 'Description'), status: text(doc, 'Status'),
      fragDuration: text(doc, 'Target/FragDuration'), fragCount: text(doc, 'Target/FragCount'),
      playlistName: text(doc, 'Target/PlaylistName'),
      snapshot: doc.querySelector('Snapshot') ? {
        roleName: text(doc, 'Snapshot/RoleName'), destBucket: text(doc, 'Snapshot/DestBucket'),
        notifyTopic: text(doc, 'Snapshot/NotifyTopic'), interval: text(doc, 'Snapshot/Interval'),
      } : null,
    };
    this.infos.set(row.name, { lastModified: row.lastModified, info });
    return info;
  }

  render() {
    this.updated = h('span', { class: 'updated muted', 'aria-live': 'off' }, 'Loading…');
    this.filter = h('input', { id: 'channel-filter', type: 'search', placeholder: 'Filter by name prefix',
      spellcheck: 'false' });
    const filterForm = h('form', { role: 'search', class: 'filter', onsubmit: (e) => {
      e.preventDefault();
      this.goTo(0, this.filter.value.trim());
    } }, h('label', { for: 'channel-filter', class: 'visually-hidden' }, 'Filter by name prefix'), this.filter);
    this.filter.addEventListener('search', () => this.goTo(0, this.filter.value.trim()));
    this.tbody = h('tbody');
    this.pager = h('nav', { class: 'pager', 'aria-label': 'Channel pages' });
    this.root.replaceChildren(
      h('div', { class: 'toolbar' },
        h('h1', { id: 'channels-title' }, 'Channels'),
        filterForm, this.updated, h('span', { class: 'spacer' }),
        h('button', { type: 'button', class: 'primary', onclick: () => this.create() }, 'New channel')),
      h('div', { class: 'table-card' }, h('table', { class: 'channels' },
        h('caption', { class: 'visually-hidden' }, `Live channels of bucket ${this.bucket}`),
        h('thead', {}, h('tr', {}, ...['Name', 'Status', 'Description', 'Segments', 'Video', 'Bitrate',
          'Connected', 'Remote address'].map((t) => h('th', { scope: 'col' }, t)),
        h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')))),
        this.tbody)),
      this.pager);
  }

  renderRows() {
    // The rows are rebuilt on every refresh: keep the keyboard focus on the same control.
    const focused = this.tbody.contains(document.activeElement) ? document.activeElement.dataset.focusKey : null;
    if (this.rows.length === 0) {
      this.tbody.replaceChildren(h('tr', {}, h('td', { colspan: 9, class: 'empty' },
        this.prefix ? `No channel starts with “${this.prefix}”.` : 'No channels yet. Create one with New channel.')));
    } else {
      this.tbody.replaceChildren(...this.rows.map((row) => this.renderRow(row)));
    }
    if (focused) {
      this.tbody.querySelector(`[data-focus-key="${CSS.escape(focused)}"]`)?.focus();
    }
    this.renderPager();
  }

  renderRow(row) {
    const { stat, info } = row;
    const live = stat.status === 'Live';
    const video = live && stat.video ? `${stat.video.width}×${stat.video.height} · ${stat.video.frameRate} fps` : '';
    const bitrate = live ? [stat.video && `video ${formatBitrate(stat.video.bandwidth)}`,
      stat.audio && `audio ${formatBitrate(stat.audio.bandwidth)}`].filter(Boolean) : [];
    const disabled = row.status === 'disabled';
    return h('tr', { 'data-channel': row.name, class: live ? 'is-live' : '' },
      h('th', { scope: 'row' }, h('button', { type: 'button', class: 'link', title: 'Details, history, VoD', 'data-focus-key': `details ${row.name}`,
        onclick: () => this.details(row) }, row.name)),
      h('td', {}, statusBadge(stat.status)),
      h('td', { class: 'description' }, row.description),
      h('td', { class: 'num' }, `${info.fragDuration} s × ${info.fragCount}`),
      h('td', { class: 'num' }, video),
      h('td', { class: 'num' }, ...bitrate.map((b) => h('div', {}, b))),
      h('td', {}, live ? h('time', { datetime: stat.connectedTime, title: formatTime(stat.connectedTime) },
        formatSince(stat.connectedTime)) : ''),
      h('td', { class: 'mono' }, live ? stat.remoteAddr : ''),
      h('td', { class: 'actions' },
        h('button', { type: 'button', class: 'secondary', disabled: !live, title: live ? null : 'Not live',
          'aria-label': `Preview ${row.name}`, 'data-focus-key': `preview ${row.name}`, onclick: () => this.preview(row) }, 'Preview'),
        h('button', { type: 'button', class: 'secondary', 'aria-label': `Push settings of ${row.name}`, 'data-focus-key': `push ${row.name}`,
          onclick: () => openPushSettings(this.client, this.bucket, row) }, 'Push'),
        h('button', { type: 'button', class: disabled ? 'secondary' : 'secondary danger-text',
          'aria-label': `${disabled ? 'Enable' : 'Disable'} ${row.name}`, 'data-focus-key': `status ${row.name}`,
          onclick: () => this.setStatus(row, disabled ? 'enabled' : 'disabled') }, disabled ? 'Enable' : 'Disable')));
  }

  renderPager() {
    const first = this.page * this.pageSize + 1;
    const size = h('select', { id: 'page-size', onchange: (e) => { this.pageSize = Number(e.target.value);
      this.goTo(0, this.prefix); } }, ...PAGE_SIZES.map((n) => new Option(String(n), String(n), false,
      n === this.pageSize)));
    this.pager.replaceChildren(
      h('span', { class: 'muted' }, this.rows.length ? `Channels ${first}–${first + this.rows.length - 1}` : ''),
      h('span', { class: 'spacer' }),
      h('label', { for: 'page-size' }, 'Rows per page'), size,
      h('button', { type: 'button', class: 'secondary', disabled: this.page === 0,
        onclick: () => this.goTo(this.page - 1, this.prefix) }, 'Previous'),
      h('span', { 'aria-current': 'page' }, `Page ${this.page + 1}`),
      h('button', { type: 'button', class: 'secondary', disabled: this.nextMarker === null,
        onclick: () => { this.markers[this.page + 1] = this.nextMarker; this.goTo(this.page + 1, this.prefix); } },
      'Next'));
  }

  goTo(page, prefix) {
    if (prefix !== this.prefix) {
      this.prefix = prefix;
      this.markers = [''];
      page = 0;
    }
    if (page === 0) this.markers = [''];
    this.page = page;
    this.refresh();
  }

  async setStatus(row, status) {
    const done = await attempt(`${status === 'disabled' ? 'Disabling' : 'Enabling'} ${row.name}`, () =>
      this.client.send({ method: 'PUT', bucket: this.bucket, key: row.name, query: { live: '', status } }));
    if (done) {
      showNotice(status === 'disabled' ? `${row.name} disabled; a live publisher is disconnected.`
        : `${row.name} enabled.`);
      this.refresh();
    }
  }

  preview(row) {
    openPlayer(this.client, this.bucket, this.acl, {
      title: `Preview · ${row.name}`, key: `${row.name}/${row.info.playlistName}`, live: true });
  }

  create() {
    openChannelForm(this.client, this.bucket, null, () => this.refresh());
  }

  details(row) {
    openChannelDetails({ client: this.client, bucket: this.bucket, acl: this.acl, row,
      onChange: () => { this.infos.delete(row.name); this.refresh(); } });
  }
}

function parseStat(doc) {
  const number = (path) => Number(text(doc, path));
  return {
    status: text(doc, 'Status') || 'Idle',
    connectedTime: text(doc, 'ConnectedTime'),
    remoteAddr: text(doc, 'RemoteAddr'),
    video: doc.querySelector('Video') ? { width: number('Video/Width'), height: number('Video/Height'),
      frameRate: number('Video/FrameRate'), bandwidth: number('Video/Bandwidth'), codec: text(doc, 'Video/Codec') }
      : null,
    audio: doc.querySelector('Audio') ? { bandwidth: number('Audio/Bandwidth'),
      sampleRate: number('Audio/SampleRate'), codec: text(doc, 'Audio/Codec') } : null,
  };
}

