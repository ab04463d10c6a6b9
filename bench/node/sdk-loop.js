'use strict';
// Row (d) sdk_loop: @azure/storage-blob signing a read URL per blob name, with
// the same fixed options as row (a) (azure_blob_sas_url). The URL for a given
// name is byte-identical to the extension's (run.sh checks it).
//
//   node sdk-loop.js [--seconds S] [--runs R]     timed runs, one JSON line
//   node sdk-loop.js --sample I                   the URL for photo-I.png

const {
	BlobSASPermissions,
	SASProtocol,
	StorageSharedKeyCredential,
	generateBlobSASQueryParameters,
} = require('@azure/storage-blob');
const { config, containerUrl, run } = require('./common');

const o = config.read_url;
const credential = new StorageSharedKeyCredential(config.account, config.account_key);
const base = containerUrl();
const permissions = BlobSASPermissions.parse(o.permissions);
const startsOn = new Date(o.starts_at);
const expiresOn = new Date(o.expires_at);

function sign(i) {
	const blobName = `photo-${i}.png`;
	const token = generateBlobSASQueryParameters(
		{
			containerName: config.container,
			blobName,
			permissions,
			startsOn,
			expiresOn,
			protocol: SASProtocol.Https,
			version: config.sas_version,
			contentType: o.content_type,
			contentDisposition: o.content_disposition,
			cacheControl: o.cache_control,
		},
		credential,
	).toString();
	return `${base}/${blobName}?${token}`;
}

run('sdk_loop', sign);
