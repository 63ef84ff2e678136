import type { AppInfo } from '../../shared/api.js';
import { PageHeader } from '../components/PageHeader.js';
import { ProjectPicker } from '../components/ProjectPicker.js';

export function Projects({ appInfo }: { appInfo: AppInfo | null }) {
  return (
    <div className="page">
      <PageHeader title="Projects">Create a project folder or open one you worked on before.</PageHeader>
      <ProjectPicker appInfo={appInfo} />
    </div>
  );
}
