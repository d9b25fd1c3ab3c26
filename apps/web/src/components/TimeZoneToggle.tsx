import { setTimeZoneChoice, useTimeFormat, type TimeZoneChoice } from '../lib/timeFormat';

/** Shows times in UTC (the default: bundles travel across zones) or in this browser's zone. */
export function TimeZoneToggle() {
  const { zone } = useTimeFormat();
  return (
    <label className="field-inline small">
      Times{' '}
      <select
        value={zone}
        aria-label="Show times in"
        onChange={(e) =>
          setTimeZoneChoice(e.target.value === 'local' ? 'local' : ('utc' satisfies TimeZoneChoice))
        }
      >
        <option value="utc">UTC</option>
        <option value="local">local time</option>
      </select>
    </label>
  );
}
