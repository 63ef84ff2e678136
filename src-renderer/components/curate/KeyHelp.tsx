// The keyboard reference ("?" toggles it).
const KEYS: Array<[string, string]> = [
  ['j / k', 'next / previous query'],
  ['a / x', 'accept / reject the query (or the selection)'],
  ['A / X', 'accept / reject everything the filter matches'],
  ['space', 'select / unselect the query'],
  ['e', 'edit the query (Enter saves, Esc cancels)'],
  ['/', 'search queries and passages'],
  ['u / U', 'undo / redo'],
  ['?', 'show / hide these keys'],
];

export function KeyHelp({ onClose }: { onClose(): void }) {
  return (
    <div className="ckeys" role="dialog" aria-label="Keyboard shortcuts" onClick={onClose}>
      <div className="card ckeys__card" onClick={(e) => e.stopPropagation()}>
        <h2>Keys</h2>
        <dl>
          {KEYS.map(([k, what]) => (
            <div key={k} className="ckeys__row">
              <dt>
                <kbd>{k}</kbd>
              </dt>
              <dd>{what}</dd>
            </div>
          ))}
        </dl>
      </div>
    </div>
  );
}
