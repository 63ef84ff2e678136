// One column's results as the user types: debounced, stale answers dropped (DebouncedLatest), an
// empty query clears the column. Switching the retriever or k asks again at once.
import { useEffect, useRef, useState } from 'react';
import type { RetrieverId, SearchResponse } from '../../../shared/api.js';
import { toWireError } from '../../../shared/contract.js';
import { api } from '../../api/client.js';
import { DebouncedLatest } from './debounced-latest.js';

export const SEARCH_DEBOUNCE_MS = 150;

export interface ColumnResults {
  response: SearchResponse | null;
  /** The query the shown response answers. */
  answered: string;
  error: string | null;
}

interface Request {
  retriever: RetrieverId;
  query: string;
  k: number;
}

/** `indexVersion` changes when the retriever's index was rebuilt or updated: the query is asked again. */
export function useRetrieverResults(retriever: RetrieverId | null, query: string, k: number, indexVersion = ''): ColumnResults {
  const [state, setState] = useState<ColumnResults>({ response: null, answered: '', error: null });
  const runner = useRef<DebouncedLatest<Request, SearchResponse> | null>(null);

  useEffect(() => {
    const d = new DebouncedLatest<Request, SearchResponse>({
      delayMs: SEARCH_DEBOUNCE_MS,
      run: (r) => api.search.query({ retriever: r.retriever, query: r.query, k: r.k }),
      onResult: (r, response) => setState({ response, answered: r.query, error: null }),
      // Shown in the column rather than as a toast: typing should not pile up toasts.
      onError: (_r, err) => setState((s) => ({ ...s, error: toWireError(err).message })),
    });
    runner.current = d;
    setState({ response: null, answered: '', error: null }); // the old retriever's hits are not this one's
    return () => d.dispose();
  }, [retriever]);

  // A new retriever, k or index answers at once; typing waits for the debounce.
  const asked = useRef('');
  useEffect(() => {
    const d = runner.current;
    if (!d || retriever === null) return;
    const setting = `${retriever}:${k}:${indexVersion}`;
    const changedSetting = asked.current !== setting;
    asked.current = setting;
    if (!query.trim()) {
      d.push({ retriever, query: '', k }); // keeps ordering: a late answer for the old text is dropped
      setState({ response: null, answered: '', error: null });
    } else if (changedSetting) d.now({ retriever, query, k });
    else d.push({ retriever, query, k });
  }, [retriever, query, k, indexVersion]);

  return state;
}
