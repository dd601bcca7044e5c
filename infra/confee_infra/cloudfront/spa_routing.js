// CloudFront Function (viewer request, default behavior): single-page-app routing.
// Client-side routes such as /about have no object in the bucket; serve /index.html for every path
// whose last segment has no file extension. Assets (/assets/app.js, /favicon.svg) pass unchanged.
// Used instead of custom error responses, which would also rewrite /api/* errors into the SPA page.
function handler(event) {
  var request = event.request;
  var uri = request.uri;
  var lastSegment = uri.substring(uri.lastIndexOf('/') + 1);
  if (lastSegment.indexOf('.') === -1) {
    request.uri = '/index.html';
  }
  return request;
}
