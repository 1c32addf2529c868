/**
 * The list's total when it is an estimate (issue 13): above the exact-count cap the server
 * answers `pagination.approximate: true` (src/server/list-speed.ts) and the list's header says
 * "约 100 万条" here, beside the actions, so nobody reads the rounded total as exact.
 * The Content Manager's own request is read from the admin's query cache: no second request.
 */
import { useSelector } from 'react-redux';
import { useLocation } from 'react-router-dom';
import { parse } from 'qs';
import { Badge, Tooltip } from '@strapi/design-system';
import type { StrapiApp } from '@strapi/strapi/admin';
import { countLabel, listModelOf } from '../domain/list-count';

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** The pagination of the list on screen: the latest answer for this type, filters and search. */
function useListPagination(): { total: number; approximate?: boolean } | undefined {
  const { pathname, search } = useLocation();
  const model = listModelOf(pathname);
  const query: any = parse(search.replace(/^\?/, ''));
  return useSelector((state: any): { total: number; approximate?: boolean } | undefined => {
    let best: any;
    for (const entry of Object.values<any>(state.adminApi?.queries ?? {})) {
      if (entry?.endpointName !== 'getAllDocuments' || entry.status !== 'fulfilled' || entry.originalArgs?.model !== model) continue;
      const params = entry.originalArgs.params ?? {};
      // The total depends on the filters and the search only, not on the page or the sort.
      if (!same(params.filters, query.filters) || !same(params._q, query._q)) continue;
      if (!best || entry.fulfilledTimeStamp > best.fulfilledTimeStamp) best = entry;
    }
    return best?.data?.pagination;
  }, same);
}

function ApproximateCount() {
  const pagination = useListPagination();
  if (!pagination?.approximate) return null;
  return (
    <Tooltip label="记录较多，总数为数据库估算值；翻页、筛选和搜索结果不受影响。按学校或班级筛选可得精确条数。">
      <Badge>{`总数${countLabel(pagination.total, true)}`}</Badge>
    </Tooltip>
  );
}

export function registerListCount(app: StrapiApp): void {
  (app.getPlugin('content-manager') as any)?.injectComponent?.('listView', 'actions', { name: 'xueji-list-count', Component: ApproximateCount });
}
