// Signal sources: where the engines' numbers come from (direct pod scrape, or Prometheus).
export { planTargets, targetForPod, SCRAPE_ANNOTATIONS, type PodForScrape, type ScrapeDefaults, type ScrapeTarget, type SkippedPod, type TargetPlan } from './targets.ts';
export { fetchText, type FetchOptions, type FetchResult, type FetchText } from './fetch.ts';
export { mapBounded } from './pool.ts';
export {
  applyScrapes,
  EMPTY_SCRAPE_STATE,
  fetchTargets,
  SCRAPE_DEFAULTS,
  scrapeOnce,
  type DroppedTarget,
  type ScrapeCycle,
  type ScrapeDeps,
  type ScrapeFailure,
  type ScrapeOptions,
  type ScrapeState,
  type TargetFetch,
} from './scrape.ts';
export { decodeQueryResponse, formatPromTime, instantQuery, postForm, type PostForm, type PromDecoded, type PromResult, type PromSeries } from './prometheus-api.ts';
export {
  DEFAULT_RELABEL,
  engineSeriesNames,
  groupByPod,
  podRelabelRules,
  prometheusLabelName,
  queryPrometheusSignals,
  signalsFromSeries,
  windowQuery,
  type PrometheusCycle,
  type PrometheusQueryResult,
  type PrometheusRelabel,
  type PrometheusSourceOptions,
  type PrometheusWindowOptions,
  type RelabelRule,
  type StalePod,
  type UnattributedSeries,
} from './prometheus.ts';
