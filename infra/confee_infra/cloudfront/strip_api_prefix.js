// CloudFront Function (viewer request, /api/* behavior): same-origin API.
// The browser calls /api/chat; API Gateway's stage serves /chat. Remove the /api prefix only as a
// whole path segment, so /apix/... is never rewritten and the result always starts with '/'.
function handler(event) {
  var request = event.request;
  var uri = request.uri;
  if (uri === '/api' || uri.indexOf('/api/') === 0) {
    request.uri = uri.substring(4) || '/';
  }
  return request;
}
