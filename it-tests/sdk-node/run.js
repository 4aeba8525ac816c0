const OSS = require('ali-oss');
const { execFileSync, spawn } = require('child_process');
const [,, endpoint, id, secret, bucket] = process.argv;
const sleep = ms => new Promise(r => setTimeout(r, ms));
const results = [];
async function step(name, fn) {
  try { const v = await fn(); results.push(['ok', name]); console.log('ok  ', name, v === undefined ? '' : JSON.stringify(v).slice(0, 300)); return v; }
  catch (e) { results.push(['FAIL', name]); console.log('FAIL', name, e.code, e.status, e.message.slice(0, 300)); }
}
(async () => {
  const client = new OSS({ endpoint, accessKeyId: id, accessKeySecret: secret, bucket, secure: false,
                           authorizationV4: process.env.V4 === '1', region: 'oss-cn-hangzhou' });
  const ch = 'node' + Date.now() % 100000;
  await step('put object', async () => (await client.put('hello.txt', Buffer.from('hello'))).res.status);
  await step('get object', async () => (await client.get('hello.txt')).content.toString());
  await step('head object', async () => (await client.head('hello.txt')).res.headers.etag);
  await step('list objects', async () => (await client.list({ prefix: 'hello' })).objects.map(o => o.name));
  await step('listV2', async () => (await client.listV2({ prefix: 'hello' })).objects.map(o => o.name));
  await step('putChannel', async () => (await client.putChannel(ch, { Description: 'node', Status: 'enabled',
      Target: { Type: 'HLS', FragDuration: '2', FragCount: '3', PlaylistName: 'playlist.m3u8' } })).publishUrls);
  await step('getChannel', async () => (await client.getChannel(ch)).data);
  await step('listChannels', async () => (await client.listChannels({ prefix: 'node', 'max-keys': 10 })).channels.map(c => c.Name));
  await step('putChannelStatus disabled', async () => (await client.putChannelStatus(ch, 'disabled')).res.status);
  await step('getChannelStatus disabled', async () => (await client.getChannelStatus(ch)).data);
  await step('putChannelStatus enabled', async () => (await client.putChannelStatus(ch, 'enabled')).res.status);
  const url = await step('getRtmpUrl', async () => client.getRtmpUrl(ch, { expires: 3600, params: { playlistName: 'playlist.m3u8' } }));
  const start = Math.floor(Date.now() / 1000);
  const ff = spawn('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25',
     '-f', 'lavfi', '-i', 'sine=frequency=440', '-t', '10', '-c:v', 'libx264', '-g', '25', '-pix_fmt', 'yuv420p',
     '-c:a', 'aac', '-f', 'flv', url.replace(/^rtmp:\/\/[^/]*/, 'rtmp://127.0.0.1:' + new URL(endpoint).port)]);
  let fferr = ''; ff.stderr.on('data', d => fferr += d);
  await sleep(5000);
  await step('getChannelStatus live', async () => (await client.getChannelStatus(ch)).data);
  await new Promise(r => ff.on('exit', r));
  if (fferr) console.log('ffmpeg:', fferr.slice(0, 500));
  await sleep(1500);
  await step('get live playlist', async () => (await client.get(ch + '/playlist.m3u8')).content.toString().split('\n').length);
  await step('getChannelHistory', async () => (await client.getChannelHistory(ch)).records);
  const end = Math.floor(Date.now() / 1000) + 1;
  await step('createVod', async () => (await client.createVod(ch, 'vod.m3u8', { startTime: start - 5, endTime: end })).res.status);
  await step('get vod', async () => (await client.get(ch + '/vod.m3u8')).content.toString().split('\n').length);
  await step('getVodPlaylist', async () => {
    const r = await client.getVodPlaylist?.(ch, { startTime: start - 5, endTime: end });
    return r ? r.res.status : 'no such method in this ali-oss';
  });
  await step('deleteChannel', async () => (await client.deleteChannel(ch)).res.status);
  await step('delete object', async () => (await client.delete('hello.txt')).res.status);
  console.log(results.filter(r => r[0] === 'FAIL').length, 'failures of', results.length);
})();
