// The '/workers' route: the Workers panel under a page header.
import { PageHeader } from '../PageHeader.js';
import type { PageProps } from '../../routes.js';
import { WorkersPanel } from './WorkersPanel.js';

export function WorkersPage(_props: PageProps) {
  return (
    <div className="page page--wide">
      <PageHeader title="Workers">Query generation and corpus embedding as shards of passages on a Redis queue, taken by genq worker processes on other machines.</PageHeader>
      <WorkersPanel />
    </div>
  );
}
