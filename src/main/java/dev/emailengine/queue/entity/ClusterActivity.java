package dev.emailengine.queue.entity;

import java.util.List;

/**
 * What every instance on a shared store did, as the store can tell cheaply: the instances that
 * hold claims now (from the leases) and how many emails were finished, by anyone, in a recent
 * interval (from the finished emails' time index).
 *
 * @param self this instance's name
 * @param instances the instances holding claims, this one first when it holds any
 */
public record ClusterActivity(String self, List<InstanceClaims> instances, long sent, long dead, long cancelled) {

    /** One instance and the emails it is sending now; its leases run until {@code leaseUntil}. */
    public record InstanceClaims(String instance, int claimed, java.time.Instant leaseUntil) {
    }
}
