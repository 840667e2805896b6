import type { FastifyReply } from 'fastify';

/** Sends a file as Exastro does: octet-stream, an attachment under its (URL-encoded) name. */
export function sendFile(reply: FastifyReply, file: { readonly name: string; readonly content: Buffer }): FastifyReply {
  return reply
    .header('content-type', 'application/octet-stream')
    .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(file.name)}`)
    .send(file.content);
}
