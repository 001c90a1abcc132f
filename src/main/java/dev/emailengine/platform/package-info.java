/**
 * What every component may use and none owns: the JSON-B configuration, reading a request body
 * within limits, binding it to a record and checking its Bean Validation constraints, and the
 * constraints more than one component needs. Depends on no business component.
 */
package dev.emailengine.platform;
