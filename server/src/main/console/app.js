// Entry point: sign in, pick a bucket, show its channels.
import { OssClient, Signer } from './oss.js';
import { children, parseXml, text } from './xml.js';
import { attempt, showError } from './ui.js';
import { ChannelsView } from './channels.js';

/** sessionStorage: kept for this tab only, gone when it closes or on Sign out. */
const SESSION_KEY = 'livechannel.console.accessKey';

const state = { client: null, view: null };

async function signIn(accessKeyId, secret) {
  const client = new OssClient(await Signer.create(accessKeyId, secret));
  const buckets = await listBuckets(client); // proves the key before anything is shown
  sessionStorage.setItem(SESSION_KEY, JSON.stringify({ accessKeyId, secret }));
  state.client = client;
  document.getElementById('sign-in').hidden = true;
  document.getElementById('session').hidden = false;
  document.getElementById('who').textContent = accessKeyId;
  const select = document.getElementById('bucket');
  select.replaceChildren(...buckets.map((b) => new Option(b, b)));
  const wanted = new URLSearchParams(location.hash.slice(1)).get('bucket');
  select.value = buckets.includes(wanted) ? wanted : buckets[0] ?? '';
  await showBucket(select.value);
}

async function listBuckets(client) {
  const answer = await client.send({ method: 'GET' });
  return children(parseXml(answer.text).querySelector('Buckets'), 'Bucket').map((b) => text(b, 'Name'));
}

async function showBucket(bucket) {
  state.view?.stop();
  state.view = null;
  const section = document.getElementById('channels');
  section.hidden = !bucket;
  if (!bucket) {
    showError(new Error('This access key owns no bucket. Create one with an OSS SDK or the CLI.'));
    return;
  }
  history.replaceState(null, '', `#bucket=${encodeURIComponent(bucket)}`);
  const acl = await attempt('Reading the bucket ACL', async () => text(parseXml(
    (await state.client.send({ bucket, query: { acl: '' } })).text), 'AccessControlList/Grant')) || 'private';
  document.getElementById('bucket-acl').textContent = acl;
  document.getElementById('bucket-acl').className = `acl ${acl}`;
  state.view = new ChannelsView(section, state.client, bucket, acl);
  state.view.start();
}

function signOut() {
  sessionStorage.removeItem(SESSION_KEY);
  state.view?.stop();
  location.hash = '';
  location.reload();
}

function init() {
  const form = document.getElementById('sign-in-form');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    await attempt('Sign in', () => signIn(form.elements['access-key-id'].value.trim(),
      form.elements['access-key-secret'].value));
    form.elements['access-key-secret'].value = '';
    button.disabled = false;
  });
  document.getElementById('sign-out').addEventListener('click', signOut);
  document.getElementById('bucket').addEventListener('change', (e) => showBucket(e.target.value));
  const saved = sessionStorage.getItem(SESSION_KEY);
  if (saved) {
    const { accessKeyId, secret } = JSON.parse(saved);
    attempt('Sign in', () => signIn(accessKeyId, secret).then(() => true)).then((ok) => {
      if (!ok) {
        sessionStorage.removeItem(SESSION_KEY); // a key deleted or changed since: ask again
      }
    });
  } else {
    document.getElementById('access-key-id').focus();
  }
}

init();
