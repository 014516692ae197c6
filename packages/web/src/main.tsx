/** The web UI's entry: routes, the session, and the analytics page loaded only when visited. */
import { lazy, StrictMode, Suspense } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter, Route, Routes } from 'react-router';
import { AdvisoriesPage } from './advisories/advisories.tsx';
import { RequireSession, SessionProvider } from './app/session.tsx';
import { Shell } from './app/shell.tsx';
import { DevicesPage } from './devices/devices.tsx';
import { IncidentDetailPage } from './incidents/detail.tsx';
import { IncidentListPage } from './incidents/list.tsx';
import { LoginPage } from './login/login.tsx';
import { OnCallPage } from './oncall/oncall.tsx';
import { PoliciesPage } from './oncall/policies.tsx';
import { SchedulesPage } from './schedules/schedules.tsx';
import { ServicesPage } from './services/services.tsx';
import { Loading } from './ui/components.tsx';
import './styles.css';

// recharts is large: only the analytics page needs it, so it is its own chunk.
const AnalyticsPage = lazy(() => import('./analytics/analytics.tsx'));

function NotFoundPage() {
  return (
    <p className="empty" data-testid="not-found">
      There is no page here.
    </p>
  );
}

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');

createRoot(root).render(
  <StrictMode>
    <BrowserRouter>
      <SessionProvider>
        <Routes>
          <Route path="/login" element={<LoginPage />} />
          <Route
            element={
              <RequireSession>
                <Shell />
              </RequireSession>
            }
          >
            <Route index element={<IncidentListPage />} />
            <Route path="incidents" element={<IncidentListPage />} />
            <Route path="incidents/:id" element={<IncidentDetailPage />} />
            <Route path="advisories" element={<AdvisoriesPage />} />
            <Route path="oncall" element={<OnCallPage />} />
            <Route path="schedules" element={<SchedulesPage />} />
            <Route path="policies" element={<PoliciesPage />} />
            <Route path="services" element={<ServicesPage />} />
            <Route path="devices" element={<DevicesPage />} />
            <Route
              path="analytics"
              element={
                <Suspense fallback={<Loading what="analytics" />}>
                  <AnalyticsPage />
                </Suspense>
              }
            />
            <Route path="*" element={<NotFoundPage />} />
          </Route>
        </Routes>
      </SessionProvider>
    </BrowserRouter>
  </StrictMode>,
);
