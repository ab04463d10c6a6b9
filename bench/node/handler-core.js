'use strict';
// Row (d) handler_core: the body of the Neon guide's Hono handler
// `POST /generate-upload-sas` (JavaScript tab), minus HTTP and JSON parsing:
// a random UUID, the blob name, the BlockBlobClient and its URL, a SAS with the
// guide's options (start now, expiry in 5 minutes, `w`, https, content type)
// signed with the client's credential, and the response object. The client
// objects are created once, at module level, as in the guide.
//
//   node handler-core.js [--seconds S] [--runs R]  timed runs, one JSON line
//   node handler-core.js --sample I                 the sasUrl for photo-I.png

const { randomUUID } = require('node:crypto');
const {
	BlobSASPermissions,
	BlobServiceClient,
	SASProtocol,
	generateBlobSASQueryParameters,
} = require('@azure/storage-blob');
const { config, connectionString, run } = require('./common');

const AZURE_CONTAINER_NAME = config.container;
const blobServiceClient = BlobServiceClient.fromConnectionString(connectionString());
const containerClient = blobServiceClient.getContainerClient(AZURE_CONTAINER_NAME);

function handle(i) {
	const fileName = `photo-${i}.png`;
	const contentType = config.upload.content_type;

	const blobName = `${randomUUID()}-${fileName}`;
	const blobClient = containerClient.getBlockBlobClient(blobName);
	const fileUrl = blobClient.url;

	const sasOptions = {
		containerName: AZURE_CONTAINER_NAME,
		blobName: blobName,
		startsOn: new Date(),
		expiresOn: new Date(new Date().valueOf() + 300 * 1000),
		permissions: BlobSASPermissions.parse('w'),
		protocol: SASProtocol.Https,
		contentType: contentType,
	};
	const sasToken = generateBlobSASQueryParameters(sasOptions, blobServiceClient.credential).toString();
	const sasUrl = `${fileUrl}?${sasToken}`;

	const response = { success: true, sasUrl, blobName, fileUrl };
	return response.sasUrl;
}

run('handler_core', handle);
