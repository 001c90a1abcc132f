/**
 * What the service says about itself: the index at {@code GET /}, Swagger UI at {@code /docs}
 * over the server's {@code /openapi} document.
 */
package dev.emailengine.docs;
