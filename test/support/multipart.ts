/** A FormData encoded as a browser sends it: the multipart body and its content type, for `t.call`. */
export async function multipartBody(form: FormData): Promise<{ headers: Record<string, string>; payload: Buffer }> {
  const response = new Response(form);
  return { headers: { 'content-type': response.headers.get('content-type')! }, payload: Buffer.from(await response.arrayBuffer()) };
}
