import { QueryClientProvider } from '@tanstack/react-query';
import { lazy, Suspense, useState } from 'react';
import { Link, Route, Switch } from 'wouter';
import { createQueryClient } from './api/queryClient';
import { BundlesPage } from './bundles/BundlesPage';
import { Empty, Loading } from './components/States';
import { RequestsPage } from './requests/RequestsPage';
import { SearchPage } from './search/SearchPage';
import { ThemeToggle } from './components/ThemeToggle';
import { TimeZoneToggle } from './components/TimeZoneToggle';

// The timeline (canvas, recharts) is the heaviest page: load it on first use.
const TimelinePage = lazy(() => import('./timeline/TimelinePage').then((m) => ({ default: m.TimelinePage })));

export function App() {
  const [client] = useState(createQueryClient);
  return (
    <QueryClientProvider client={client}>
      <header className="app-header">
        <Link href="/" className="brand">
          kubetrail
        </Link>
        <span className="tagline">follow one Kubernetes operation through the cluster's logs</span>
        <span className="header-spacer" />
        <TimeZoneToggle />
        <ThemeToggle />
      </header>
      <main className="app-main">
        <Suspense fallback={<Loading what="page" />}>
          <Switch>
            <Route path="/" component={BundlesPage} />
            <Route path="/bundles/:bundleId" component={RequestsPage} />
            <Route path="/bundles/:bundleId/search" component={SearchPage} />
            <Route path="/bundles/:bundleId/requests/:reqId" component={TimelinePage} />
            <Route>
              <Empty title="Page not found">
                <Link href="/">Go to bundles</Link>
              </Empty>
            </Route>
          </Switch>
        </Suspense>
      </main>
    </QueryClientProvider>
  );
}
