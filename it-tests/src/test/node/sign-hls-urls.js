// Prints two presigned GET URLs of one playlist with x-oss-process=hls/sign, made by ali-oss (the official Node
// SDK) exactly as its users make them: line 1 V1 (signatureUrl), line 2 V4 (signatureUrlV4).
// Usage: node sign-hls-urls.js <endpoint> <bucket> <key> <accessKeyId> <accessKeySecret> <expiresSeconds>
const OSS = require('ali-oss');

async function main() {
  const [endpoint, bucket, key, accessKeyId, accessKeySecret, expires] = process.argv.slice(2);
  const client = new OSS({ endpoint, bucket, accessKeyId, accessKeySecret, region: 'oss-cn-hangzhou',
    secure: endpoint.startsWith('https:') });
  console.log(client.signatureUrl(key, { expires: Number(expires), process: 'hls/sign' }));
  console.log(await client.signatureUrlV4('GET', Number(expires), { queries: { 'x-oss-process': 'hls/sign' } }, key));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
