/**
 * The sample order service: a showcase of the reliable messaging starter and the workload of its fault and
 * benchmark suites.
 */
package dev.reliablemessaging.sample;
