/**
 * The history of each order's status, kept by an orderly listener: the ordered flow of the sample.
 */
package dev.reliablemessaging.sample.history;
