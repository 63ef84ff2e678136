// The device's memory beside a provider name on the Train, Generate and Models pages: "GPU memory:
// 3.2 GiB used of 79.6 GiB (nvidia-smi, …)" where the system reports it, "device memory not reported
// by webgpu (…)" where it cannot; nothing for providers that run in host RAM (cpu, wasm), so CPU
// pages look as before. The wording is shared with the CLI (shared/device-memory.ts).
import { describeDeviceMemory, type DeviceMemoryReport } from '../../shared/device-memory.js';

export interface DeviceMemoryNoteProps {
  provider: string | null | undefined;
  memory: DeviceMemoryReport | null | undefined;
  /** 'div' on a line of its own (a table cell), 'span' inline. */
  as?: 'span' | 'div';
}

export function DeviceMemoryNote({ provider, memory, as: Tag = 'span' }: DeviceMemoryNoteProps) {
  const text = provider ? describeDeviceMemory(provider, memory) : null;
  if (!text) return null;
  return (
    <Tag className="muted small" data-fact="device-memory" data-reported={memory?.reported ? 'yes' : 'no'}>
      {text}
    </Tag>
  );
}
