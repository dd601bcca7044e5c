// CloudFront Function (viewer request, /api/* behavior): same-origin API.
// The browser calls /api/chat; API Gateway's stage serves /chat. Remove the /api prefix only as a
// whole path segment, so /apix/... is never rewritten and the result always starts with '/'.
// The viewer's address goes to the API in x-confee-viewer-ip, replacing whatever the client sent: the API's
// optional WAF rate-limits and allow-lists by it (infra/confee_infra/waf.py), since the API sees CloudFront's address.
function handler(event) {
  var request = event.request;
  var uri = request.uri;
  if (uri === '/api' || uri.indexOf('/api/') === 0) {
    request.uri = uri.substring(4) || '/';
  }
  request.headers['x-confee-viewer-ip'] = { value: event.viewer.ip };
  return request;
}
