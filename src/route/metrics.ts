/**
 * What `smoothie serve` exposes at `GET /metrics` (Prometheus text format, through prom-client):
 * requests by outcome, latency by strategy, routings by answering model and escalation, upstream
 * calls and cost by strategy, upstream failures, and the queue. One registry per server, so several
 * servers in one process (tests, embedding apps) keep separate counts.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { RouteResult } from './router.js';

export interface ServeMetrics {
  readonly registry: Registry;
  /** A finished HTTP request: its path, status and duration. */
  request(path: string, status: number, seconds: number): void;
  /** A routed chat completion. */
  routed(result: RouteResult, seconds: number): void;
  /** A completion that failed upstream (502). */
  upstreamError(strategy: string): void;
}

/** Latency buckets (seconds): routing alone takes well under a millisecond; model calls take seconds. */
const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export function createServeMetrics(queue: { readonly size: number; readonly pending: number }): ServeMetrics {
  const registry = new Registry();
  const requests = new Counter({ name: 'smoothie_http_requests_total', help: 'HTTP requests by path and status code', labelNames: ['path', 'status'], registers: [registry] });
  const requestSeconds = new Histogram({ name: 'smoothie_http_request_duration_seconds', help: 'HTTP request latency by path', labelNames: ['path'], buckets: BUCKETS, registers: [registry] });
  const routeSeconds = new Histogram({
    name: 'smoothie_route_duration_seconds',
    help: 'Time to route a completion (model calls included) by strategy',
    labelNames: ['strategy'],
    buckets: BUCKETS,
    registers: [registry],
  });
  const routed = new Counter({ name: 'smoothie_routed_total', help: 'Completions by strategy, answering model and escalation', labelNames: ['strategy', 'model', 'escalated'], registers: [registry] });
  const escalations = new Counter({ name: 'smoothie_escalations_total', help: 'Completions escalated to the large model', labelNames: ['strategy'], registers: [registry] });
  const calls = new Counter({ name: 'smoothie_upstream_calls_total', help: 'Model calls made while routing, by strategy', labelNames: ['strategy'], registers: [registry] });
  const cost = new Counter({
    name: 'smoothie_cost_total',
    help: "Cost of the routed completions in the router's cost units, by strategy and answering model",
    labelNames: ['strategy', 'model'],
    registers: [registry],
  });
  const upstreamErrors = new Counter({ name: 'smoothie_upstream_errors_total', help: 'Completions that failed upstream (answered 502)', labelNames: ['strategy'], registers: [registry] });
  new Gauge({
    name: 'smoothie_queue_waiting',
    help: 'Requests waiting for a routing slot',
    registers: [registry],
    collect() {
      this.set(queue.size);
    },
  });
  new Gauge({
    name: 'smoothie_queue_in_flight',
    help: 'Requests being routed',
    registers: [registry],
    collect() {
      this.set(queue.pending);
    },
  });
  return {
    registry,
    request(path, status, seconds) {
      requests.inc({ path, status: String(status) });
      requestSeconds.observe({ path }, seconds);
    },
    routed(result, seconds) {
      routeSeconds.observe({ strategy: result.strategy }, seconds);
      routed.inc({ strategy: result.strategy, model: result.model, escalated: String(result.escalated) });
      if (result.escalated) escalations.inc({ strategy: result.strategy });
      calls.inc({ strategy: result.strategy }, result.calls);
      if ('cost' in result) cost.inc({ strategy: result.strategy, model: result.model }, result.cost);
    },
    upstreamError(strategy) {
      upstreamErrors.inc({ strategy });
    },
  };
}
