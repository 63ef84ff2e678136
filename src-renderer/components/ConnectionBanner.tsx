// Web mode only: tells the user when the event stream to the server is down.
import { useEffect, useState } from 'react';
import { onConnectionChange } from '../api/client.js';

export function ConnectionBanner() {
  const [down, setDown] = useState(false);
  useEffect(() => onConnectionChange((s) => setDown(s === 'closed')), []);
  if (!down) return null;
  return (
    <div className="banner" role="status">
      Lost the connection to the GenQ server; reconnecting…
    </div>
  );
}
