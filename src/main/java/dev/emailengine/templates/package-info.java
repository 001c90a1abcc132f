/**
 * Templates: {@code TEMPLATES_DIR/<name>.txt} (first line the subject) and {@code <name>.html},
 * rendered with Mustache, HTML-escaped in the HTML part only; the manifest, the four defaults,
 * and the endpoints that list, preview and manage them.
 */
package dev.emailengine.templates;
