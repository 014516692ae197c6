/**
 * DO NOT EDIT: generated from docs/openapi.json by openapi-typescript (scripts/gen-api.ts).
 * Regenerate with `npm run gen:api`; packages/web/src/api.gen.test.ts fails while this file is stale.
 */

export interface paths {
  '/api/v1/auth/providers': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** How people can sign in (no credentials needed) */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @description Some user has a passwordHash. */
              password: boolean;
              oidc: {
                name: string;
              } | null;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/login': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Sign in with a user id or email and a password; sets the klaxon_session cookie */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            username: string;
            password: string;
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              user: {
                id: string;
                name: string;
                /** @enum {string} */
                role: 'viewer' | 'responder' | 'admin';
                /** @description Team ids; for admins, every team. */
                teams: string[];
                /** @enum {string} */
                via: 'password' | 'oidc';
              };
              /** @description Send it as X-CSRF-Token on every POST, PUT, PATCH and DELETE. */
              csrfToken: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/session': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The signed-in person and the CSRF token, from the session cookie */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              user: {
                id: string;
                name: string;
                /** @enum {string} */
                role: 'viewer' | 'responder' | 'admin';
                /** @description Team ids; for admins, every team. */
                teams: string[];
                /** @enum {string} */
                via: 'password' | 'oidc';
              };
              /** @description Send it as X-CSRF-Token on every POST, PUT, PATCH and DELETE. */
              csrfToken: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/logout': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Sign out: ends the session and clears the cookie (needs X-CSRF-Token) */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Signed out */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': null;
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/auth/oidc/login': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Start an OIDC sign-in: redirects to the provider */
    get: {
      parameters: {
        query?: {
          /** @description Where to go after sign-in: a path on this site. */
          returnTo?: string;
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/auth/oidc/callback': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Where the OIDC provider returns: signs in and redirects to returnTo, or to /login?error= */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/incidents': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** List incidents, newest first */
    get: {
      parameters: {
        query?: {
          /** @description Comma-separated states. */
          state?: string;
          /** @description Comma-separated tiers. */
          tier?: string;
          /** @description Comma-separated service ids. */
          service?: string;
          /** @description Comma-separated team ids: their services' incidents. */
          team?: string;
          limit?: number;
          /** @description Return incidents with a smaller id (next page). */
          before?: number;
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              incidents: {
                id: number;
                service: string;
                /** @enum {string} */
                tier: 'T1' | 'T2' | 'T3';
                /** @enum {string} */
                state: 'triggered' | 'acknowledged' | 'resolved';
                title: string;
                source: string;
                createdAt: string;
                updatedAt: string;
                acknowledgedAt: string | null;
                acknowledgedBy: string | null;
                resolvedAt: string | null;
                resolvedBy: string | null;
                reopenCount: number;
              }[];
              nextBefore: number | null;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/incidents/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** One incident with its alerts and timeline */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: number;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              incident: {
                id: number;
                service: string;
                /** @enum {string} */
                tier: 'T1' | 'T2' | 'T3';
                /** @enum {string} */
                state: 'triggered' | 'acknowledged' | 'resolved';
                title: string;
                source: string;
                createdAt: string;
                updatedAt: string;
                acknowledgedAt: string | null;
                acknowledgedBy: string | null;
                resolvedAt: string | null;
                resolvedBy: string | null;
                reopenCount: number;
              };
              alerts: {
                id: number;
                dedupKey: string;
                /** @enum {string} */
                status: 'firing' | 'resolved';
                tier: string;
                source: string;
                summary: string;
                labels: {
                  [key: string]: string;
                };
                annotations: {
                  [key: string]: string;
                };
                details: {
                  [key: string]: unknown;
                };
                generatorUrl: string | null;
                startsAt: string | null;
                endsAt: string | null;
                firstSeenAt: string;
                lastSeenAt: string;
                fireCount: number;
              }[];
              timeline: {
                id: number;
                at: string;
                kind: string;
                actor: string | null;
                message: string;
                data: {
                  [key: string]: unknown;
                };
              }[];
              notifications: {
                id: number;
                user: string;
                channel: string;
                address: string;
                urgency: string;
                step: number | null;
                dueAt: string;
                status: string;
                attempts: number;
                lastError: string | null;
              }[];
              escalation: {
                policy: string;
                state: string;
                step: number;
                cycle: number;
                nextAt: string | null;
              } | null;
              context: {
                dashboardUrl: string | null;
                logsUrl: string | null;
                tracesUrl: string | null;
                runbookUrl: string | null;
                silenceUrl: string | null;
                incidentUrl: string | null;
                generatorUrl: string | null;
                window: {
                  from: string;
                  to: string;
                };
                labels: {
                  [key: string]: string;
                };
                annotations: {
                  [key: string]: string;
                };
                value: string | null;
              };
              /** @description What changed: deployments to the service and its dependencies before the incident opened, newest first. They are also on the timeline as change.deployed entries (id 0). */
              changes: {
                id: number;
                service: string;
                version: string;
                environment: string;
                author: string | null;
                url: string | null;
                description: string | null;
                /** @enum {string} */
                source: 'api' | 'github' | 'argocd';
                revision: string | null;
                deployedAt: string;
                createdBy: string;
                createdAt: string;
                /**
                 * @description To the incident’s own service, or to one it depends on.
                 * @enum {string}
                 */
                relation: 'service' | 'dependency';
                /** @description Minutes between the deployment and the incident opening. */
                minutesBefore: number;
              }[];
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/incidents/{id}/acknowledge': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Acknowledge an incident (stops its escalation) */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: number;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              incident: {
                id: number;
                service: string;
                /** @enum {string} */
                tier: 'T1' | 'T2' | 'T3';
                /** @enum {string} */
                state: 'triggered' | 'acknowledged' | 'resolved';
                title: string;
                source: string;
                createdAt: string;
                updatedAt: string;
                acknowledgedAt: string | null;
                acknowledgedBy: string | null;
                resolvedAt: string | null;
                resolvedBy: string | null;
                reopenCount: number;
              };
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/incidents/{id}/resolve': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Resolve an incident and its firing alerts */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: number;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              incident: {
                id: number;
                service: string;
                /** @enum {string} */
                tier: 'T1' | 'T2' | 'T3';
                /** @enum {string} */
                state: 'triggered' | 'acknowledged' | 'resolved';
                title: string;
                source: string;
                createdAt: string;
                updatedAt: string;
                acknowledgedAt: string | null;
                acknowledgedBy: string | null;
                resolvedAt: string | null;
                resolvedBy: string | null;
                reopenCount: number;
              };
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/incidents/{id}/escalate': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Escalate now: the escalation's next step fires at once instead of after its delay */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: number;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              incident: {
                id: number;
                service: string;
                /** @enum {string} */
                tier: 'T1' | 'T2' | 'T3';
                /** @enum {string} */
                state: 'triggered' | 'acknowledged' | 'resolved';
                title: string;
                source: string;
                createdAt: string;
                updatedAt: string;
                acknowledgedAt: string | null;
                acknowledgedBy: string | null;
                resolvedAt: string | null;
                resolvedBy: string | null;
                reopenCount: number;
              };
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/incidents/{id}/notes': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Add a note to the incident timeline */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: number;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            text: string;
          };
        };
      };
      responses: {
        /** @description Default Response */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              event: {
                id: number;
                at: string;
                kind: string;
                actor: string | null;
                message: string;
                data: {
                  [key: string]: unknown;
                };
              };
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/advisories': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** List T3 advisories of the caller's teams, newest first */
    get: {
      parameters: {
        query?: {
          /** @description Comma-separated team ids. */
          team?: string;
          /** @description Comma-separated service ids. */
          service?: string;
          /** @description Comma-separated alert names. */
          alert?: string;
          /** @description Only advisories in this review state (default: all). */
          state?: 'unreviewed' | 'reviewed' | 'dismissed' | 'promoted' | 'all';
          limit?: number;
          /** @description The `nextBefore` of the previous page. */
          before?: number;
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              advisories: {
                incidentId: number;
                team: string;
                service: string;
                /** @description The incident's alert name: its first alert's `alertname` label, else its title. */
                alert: string;
                title: string;
                /** @enum {string} */
                state: 'unreviewed' | 'reviewed' | 'dismissed' | 'promoted';
                /** @enum {string} */
                incidentState: 'triggered' | 'acknowledged' | 'resolved';
                /** @description Whether any of its alerts is still firing. */
                firing: boolean;
                openedAt: string;
                /** @description The end of the next business day after it opened, in its team’s calendar. */
                deadlineAt: string;
                decidedAt: string | null;
                /** @description Who decided (`klaxon` when its alerts raised its tier). */
                decidedBy: string | null;
                note: string | null;
                /** @description Why it was dismissed as noise. */
                reason: string | null;
                /** @enum {string|null} */
                promotedTo: 'T1' | 'T2' | null;
              }[];
              /** @description Unreviewed advisories the caller can see under the same team, service and alert filters. */
              unreviewed: number;
              nextBefore: number | null;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/advisories/review': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Review, dismiss as noise, or promote (pages at once) up to 200 advisories
     * @description Each id is decided on its own: the answer lists, per id, the advisory as it is now or why it was refused (`not_found`, also for another team’s; `not_an_advisory`; `advisory_decided`: a reviewed or dismissed advisory can only be promoted, a promoted one is final).
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            incidentIds: number[];
            /** @enum {string} */
            action: 'review' | 'dismiss' | 'promote';
            /** @description Optional, for any action. */
            note?: string;
            /** @description Why they are noise; required to dismiss. */
            reason?: string;
            /**
             * @description The tier to promote to; required to promote.
             * @enum {string}
             */
            tier?: 'T1' | 'T2';
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              results: (
                | {
                    incidentId: number;
                    /** @enum {boolean} */
                    ok: true;
                    advisory: {
                      incidentId: number;
                      team: string;
                      service: string;
                      /** @description The incident's alert name: its first alert's `alertname` label, else its title. */
                      alert: string;
                      title: string;
                      /** @enum {string} */
                      state: 'unreviewed' | 'reviewed' | 'dismissed' | 'promoted';
                      /** @enum {string} */
                      incidentState: 'triggered' | 'acknowledged' | 'resolved';
                      /** @description Whether any of its alerts is still firing. */
                      firing: boolean;
                      openedAt: string;
                      /** @description The end of the next business day after it opened, in its team’s calendar. */
                      deadlineAt: string;
                      decidedAt: string | null;
                      /** @description Who decided (`klaxon` when its alerts raised its tier). */
                      decidedBy: string | null;
                      note: string | null;
                      /** @description Why it was dismissed as noise. */
                      reason: string | null;
                      /** @enum {string|null} */
                      promotedTo: 'T1' | 'T2' | null;
                    };
                  }
                | {
                    incidentId: number;
                    /** @enum {boolean} */
                    ok: false;
                    code: string;
                    message: string;
                  }
              )[];
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/deployments': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** List deployments, newest first */
    get: {
      parameters: {
        query?: {
          /** @description Comma-separated service ids. */
          service?: string;
          since?: string;
          limit?: number;
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              deployments: {
                id: number;
                service: string;
                version: string;
                environment: string;
                author: string | null;
                url: string | null;
                description: string | null;
                /** @enum {string} */
                source: 'api' | 'github' | 'argocd';
                revision: string | null;
                deployedAt: string;
                createdBy: string;
                createdAt: string;
              }[];
            };
          };
        };
      };
    };
    put?: never;
    /**
     * Record a deployment (Klaxon payload, GitHub deployment_status webhook, or Argo CD notification)
     * @description GitHub: post the deployment_status event from a workflow (`on: deployment_status`, see docs/deployments.md) with a Bearer token and `X-GitHub-Event: deployment_status`; only state "success" is recorded. Argo CD: use the webhook template in docs/deployments.md. The service comes from ?service=, else deployments.repositories / deployments.argocdApps in the config, else a service named like the repository or app.
     */
    post: {
      parameters: {
        query?: {
          /** @description For GitHub and Argo CD payloads: the service, instead of the config mapping. */
          service?: string;
          /** @description Overrides the payload’s environment. */
          environment?: string;
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json':
            | {
                /** @description Service id from the config. */
                service: string;
                /** @description What was deployed: a version, tag or commit. */
                version: string;
                /** @default production */
                environment?: string;
                /** @description Who deployed; default: the API token’s name. */
                author?: string;
                /**
                 * Format: uri
                 * @description Link to the release, pipeline run or diff (http or https).
                 */
                url?: string;
                /**
                 * Format: date-time
                 * @description When it went out; default: now.
                 */
                time?: string;
                description?: string;
                /** @description Your id for this deployment; posting the same id again records nothing new. */
                id?: string;
              }
            | {
                action?: string;
                deployment_status: {
                  id: number;
                  state: string;
                  environment?: string | null;
                  target_url?: string | null;
                  log_url?: string | null;
                  description?: string | null;
                  creator?: {
                    login: string;
                  } | null;
                  /** Format: date-time */
                  created_at: string;
                };
                deployment: {
                  id: number;
                  sha: string;
                  ref: string;
                  environment?: string | null;
                  description?: string | null;
                  creator?: {
                    login: string;
                  } | null;
                  payload?: unknown;
                };
                repository: {
                  full_name: string;
                  html_url?: string | null;
                };
                sender?: {
                  login: string;
                } | null;
              }
            | {
                /** @enum {string} */
                source: 'argocd';
                /** @description {{.app.metadata.name}} */
                app: string;
                /** @description {{.app.status.operationState.syncResult.revision}} */
                revision?: string | null;
                /** @description Optional: a version label to show instead of the revision. */
                version?: string | null;
                environment?: string | null;
                project?: string | null;
                namespace?: string | null;
                /** @description {{.app.status.operationState.phase}} */
                phase?: string | null;
                syncStatus?: string | null;
                healthStatus?: string | null;
                /**
                 * Format: date-time
                 * @description {{.app.status.operationState.finishedAt}}
                 */
                finishedAt?: string | null;
                initiatedBy?: string | null;
                /** @description {{.context.argocdUrl}} */
                argocdUrl?: string | null;
                images?: string[] | null;
              };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              deployment: {
                id: number;
                service: string;
                version: string;
                environment: string;
                author: string | null;
                url: string | null;
                description: string | null;
                /** @enum {string} */
                source: 'api' | 'github' | 'argocd';
                revision: string | null;
                deployedAt: string;
                createdBy: string;
                createdAt: string;
              } | null;
              /** @description False when this deployment was recorded before (same GitHub status or id). */
              created: boolean;
              /** @description Why nothing was recorded (a GitHub status that is not success, …). */
              ignored?: string;
            };
          };
        };
        /** @description Default Response */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              deployment: {
                id: number;
                service: string;
                version: string;
                environment: string;
                author: string | null;
                url: string | null;
                description: string | null;
                /** @enum {string} */
                source: 'api' | 'github' | 'argocd';
                revision: string | null;
                deployedAt: string;
                createdBy: string;
                createdAt: string;
              } | null;
              /** @description False when this deployment was recorded before (same GitHub status or id). */
              created: boolean;
              /** @description Why nothing was recorded (a GitHub status that is not success, …). */
              ignored?: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/analytics': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** MTTA, MTTR, alerts, incidents, pages, noise and off-hours pages, by tier and by service, pages per week, and the T3 advisories’ review; only the services you may see */
    get: {
      parameters: {
        query?: {
          /** @description Default: 7 days before `to`. */
          from?: string;
          /** @description Default: now. */
          to?: string;
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              from: string;
              to: string;
              total: {
                incidents: number;
                alertsReceived: number;
                pagesSent: number;
                noiseRatio: number | null;
                mttaSeconds: number | null;
                mttrSeconds: number | null;
                t1AckedWithin5m: number | null;
              };
              byTier: {
                [key: string]: {
                  incidents: number;
                  alertsReceived: number;
                  pagesSent: number;
                  noiseRatio: number | null;
                  mttaSeconds: number | null;
                  mttrSeconds: number | null;
                  t1AckedWithin5m: number | null;
                };
              };
              byService: {
                [key: string]: {
                  incidents: number;
                  alertsReceived: number;
                  pagesSent: number;
                  noiseRatio: number | null;
                  mttaSeconds: number | null;
                  mttrSeconds: number | null;
                  t1AckedWithin5m: number | null;
                };
              };
              offHoursPages: {
                user: string;
                pages: number;
              }[];
              pagesPerWeek: {
                weekStart: string;
                T1: number;
                T2: number;
                T3: number;
              }[];
              advisories: {
                /** @description T3 advisories opened in the range. */
                opened: number;
                /** @description Of those, the ones still unreviewed. */
                unreviewed: number;
                /** @description Share (0..1) of those reviewed, dismissed or promoted by the end of the first full business day after they opened; null when none opened. */
                reviewedWithinOneBusinessDay: number | null;
                /** @description Advisories dismissed as noise in the range, per alert and service, most first (top 20). */
                dismissedAsNoise: {
                  alert: string;
                  service: string;
                  count: number;
                }[];
              };
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/services': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The services you may see, with open incidents and any maintenance window now */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              services: {
                id: string;
                name: string;
                team: string;
                description: string | null;
                /** @enum {string} */
                defaultTier: 'T1' | 'T2' | 'T3';
                dependsOn: string[];
                dashboardUrl: string | null;
                runbookUrl: string | null;
                maintenance: {
                  id: number;
                  service: string;
                  from: string;
                  to: string;
                  reason: string;
                  createdBy: string;
                } | null;
                openIncidents: number;
              }[];
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/teams': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Teams with their members and lead */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              teams: {
                id: string;
                name: string;
                members: string[];
                lead: string | null;
              }[];
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/users': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** People: id, name, time zone and teams (no contact details) */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              users: {
                id: string;
                name: string;
                timezone: string;
                teams: string[];
              }[];
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/stream': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Live incident changes as server-sent events (event: incident, data: the incident) */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/schedules/{id}/requests': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** A schedule's cover and swap requests, newest first (default: the open ones) */
    get: {
      parameters: {
        query?: {
          state?: 'open' | 'all';
        };
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              requests: {
                id: number;
                schedule: string;
                /** @enum {string} */
                kind: 'cover' | 'swap';
                /** @enum {string} */
                state: 'open' | 'accepted' | 'declined' | 'canceled' | 'expired';
                requester: string;
                from: string;
                to: string;
                with: string | null;
                swapFrom: string | null;
                swapTo: string | null;
                note: string;
                expiresAt: string;
                createdAt: string;
                resolvedBy: string | null;
                resolvedAt: string | null;
              }[];
            };
          };
        };
      };
    };
    put?: never;
    /**
     * Ask for cover of part of your shift, or to swap shifts with one person
     * @description A signed-in person, for themselves: [from, to) must be time they are on call on the schedule (overrides included), not yet started. A swap names `with`, another person of the schedule, and [swapFrom, swapTo), time `with` is on call. A cover is offered to the schedule's other people by push, Slack, email and their browsers; a swap to `with`. Open requests expire at their start.
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json':
            | {
                /** @enum {string} */
                kind: 'cover';
                /** Format: date-time */
                from: string;
                /** Format: date-time */
                to: string;
                /** @description Why, for the people asked (at most 500 characters). */
                note?: string;
              }
            | {
                /** @enum {string} */
                kind: 'swap';
                /** Format: date-time */
                from: string;
                /** Format: date-time */
                to: string;
                /** @description The person asked: they take [from, to). */
                with: string;
                /**
                 * Format: date-time
                 * @description Start of the range of `with`'s shift that the requester takes.
                 */
                swapFrom: string;
                /** Format: date-time */
                swapTo: string;
                /** @description Why, for the people asked (at most 500 characters). */
                note?: string;
              };
        };
      };
      responses: {
        /** @description Default Response */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              id: number;
              schedule: string;
              /** @enum {string} */
              kind: 'cover' | 'swap';
              /** @enum {string} */
              state: 'open' | 'accepted' | 'declined' | 'canceled' | 'expired';
              requester: string;
              from: string;
              to: string;
              with: string | null;
              swapFrom: string | null;
              swapTo: string | null;
              note: string;
              expiresAt: string;
              createdAt: string;
              resolvedBy: string | null;
              resolvedAt: string | null;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/schedules/{id}/requests/{requestId}/accept': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Accept a request: take the cover, or agree to the swap
     * @description A cover: any other person of the schedule who can be paged at its urgencies; the first wins (a later accept gets 409 request_closed). A swap: only the person asked. Makes the overrides (source cover or swap) in the same transaction, and tells the requester.
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
          requestId: number;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              id: number;
              schedule: string;
              /** @enum {string} */
              kind: 'cover' | 'swap';
              /** @enum {string} */
              state: 'open' | 'accepted' | 'declined' | 'canceled' | 'expired';
              requester: string;
              from: string;
              to: string;
              with: string | null;
              swapFrom: string | null;
              swapTo: string | null;
              note: string;
              expiresAt: string;
              createdAt: string;
              resolvedBy: string | null;
              resolvedAt: string | null;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/schedules/{id}/requests/{requestId}/decline': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Decline a swap (only the person asked)
     * @description A cover request is not declined: it stays open for the others until it is accepted, canceled or expires.
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
          requestId: number;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              id: number;
              schedule: string;
              /** @enum {string} */
              kind: 'cover' | 'swap';
              /** @enum {string} */
              state: 'open' | 'accepted' | 'declined' | 'canceled' | 'expired';
              requester: string;
              from: string;
              to: string;
              with: string | null;
              swapFrom: string | null;
              swapTo: string | null;
              note: string;
              expiresAt: string;
              createdAt: string;
              resolvedBy: string | null;
              resolvedAt: string | null;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/schedules/{id}/requests/{requestId}/cancel': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Cancel a request (the requester, an admin or the team lead)
     * @description An open request closes. An accepted one that has not started is undone: its overrides are removed, so the shifts go back to what they were (once it has started: 409 request_closed; use an override). The requester and the person asked or who had accepted are told.
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
          requestId: number;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              id: number;
              schedule: string;
              /** @enum {string} */
              kind: 'cover' | 'swap';
              /** @enum {string} */
              state: 'open' | 'accepted' | 'declined' | 'canceled' | 'expired';
              requester: string;
              from: string;
              to: string;
              with: string | null;
              swapFrom: string | null;
              swapTo: string | null;
              note: string;
              expiresAt: string;
              createdAt: string;
              resolvedBy: string | null;
              resolvedAt: string | null;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/schedules/{id}/temporary': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** A schedule's temporary schedules (those not ended more than 30 days ago), by start, with their shifts */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              temporarySchedules: {
                id: number;
                schedule: string;
                name: string;
                from: string;
                to: string;
                createdBy: string;
                createdAt: string;
                shifts: {
                  user: string;
                  from: string;
                  to: string;
                  /** @description The override that puts this shift on call. */
                  override: number;
                }[];
              }[];
            };
          };
        };
      };
    };
    put?: never;
    /**
     * Replace a schedule for a period with a list of shifts (admin or team lead)
     * @description The shifts must lie inside [from, to), not overlap and cover all of it (temporary_gap names a gap); at most 200. Each person must be able to be paged at the schedule's urgencies. The period follows the override limits (from at most an hour ago, at most overrideMaxDays long) and may not overlap another temporary schedule of the schedule (temporary_overlap).
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            /** @description What the period is, e.g. "Launch night". */
            name: string;
            /** Format: date-time */
            from: string;
            /** Format: date-time */
            to: string;
            /** @description Who is on call when: inside [from, to), not overlapping, covering all of it. */
            shifts: {
              user: string;
              /** Format: date-time */
              from: string;
              /** Format: date-time */
              to: string;
            }[];
          };
        };
      };
      responses: {
        /** @description Default Response */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              id: number;
              schedule: string;
              name: string;
              from: string;
              to: string;
              createdBy: string;
              createdAt: string;
              shifts: {
                user: string;
                from: string;
                to: string;
                /** @description The override that puts this shift on call. */
                override: number;
              }[];
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/schedules/{id}/temporary/{temporaryId}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /** Remove a temporary schedule and its overrides (admin or team lead) */
    delete: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
          temporaryId: number;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/schedules': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Schedules with who is on call now and the next handoff */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              schedules: {
                id: string;
                name: string;
                timezone: string;
                onCall: string | null;
                nextHandoff: {
                  user: string | null;
                  start: string;
                  end: string;
                } | null;
              }[];
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/schedules/{id}/shifts': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The shifts in a range (default: the next 28 days); user null marks a gap */
    get: {
      parameters: {
        query?: {
          from?: string;
          to?: string;
        };
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              schedule: string;
              from: string;
              to: string;
              shifts: {
                user: string | null;
                start: string;
                end: string;
              }[];
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/schedules/{id}/gaps': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Where nobody is on call in a range (default: the next 28 days) */
    get: {
      parameters: {
        query?: {
          from?: string;
          to?: string;
        };
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              schedule: string;
              from: string;
              to: string;
              shifts: {
                user: string | null;
                start: string;
                end: string;
              }[];
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/calendar-feeds': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Subscribable iCal URLs (signed with server.feedSecret) for every schedule and person */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              schedules: {
                id: string;
                url: string;
              }[];
              users: {
                id: string;
                url: string;
              }[];
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/schedules/{id}/calendar.ics': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** iCal feed of a schedule's shifts (the next 8 weeks by default) */
    get: {
      parameters: {
        query?: {
          from?: string;
          to?: string;
          /** @description Feed token from /api/v1/calendar-feeds. */
          token?: string;
        };
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/users/{id}/calendar.ics': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** iCal feed of one person's shifts on every schedule */
    get: {
      parameters: {
        query?: {
          from?: string;
          to?: string;
          /** @description Feed token from /api/v1/calendar-feeds. */
          token?: string;
        };
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/oncall': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Who is on call at an instant (default now), for one schedule or all */
    get: {
      parameters: {
        query?: {
          schedule?: string;
          at?: string;
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              at: string;
              oncall: {
                schedule: string;
                user: string | null;
              }[];
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/schedules/{id}/overrides': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Overrides on a schedule that overlap a range (default: from now, the next 28 days) */
    get: {
      parameters: {
        query?: {
          from?: string;
          to?: string;
        };
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              overrides: {
                id: number;
                schedule: string;
                user: string;
                from: string;
                to: string;
                createdBy: string;
                createdAt: string;
                /**
                 * @description api: made here; cover, swap: an accepted shift request; temporary: a temporary schedule.
                 * @enum {string}
                 */
                source: 'api' | 'cover' | 'swap' | 'temporary';
                /** @description The shift request or temporary schedule it belongs to. */
                sourceId: number | null;
              }[];
            };
          };
        };
      };
    };
    put?: never;
    /**
     * Put someone on call for [from, to), over whatever the layers say
     * @description Only the schedule's team (members and lead) and admins, or admins alone on a schedule without a team, unless the schedule has overridesBy: responders. The person must be able to be paged at every urgency the schedule pages at; from is at most an hour ago, and the override at most schedules[].overrideMaxDays long (default 90).
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            user: string;
            /** Format: date-time */
            from: string;
            /** Format: date-time */
            to: string;
          };
        };
      };
      responses: {
        /** @description Default Response */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              override: {
                id: number;
                schedule: string;
                user: string;
                from: string;
                to: string;
                createdBy: string;
                createdAt: string;
                /**
                 * @description api: made here; cover, swap: an accepted shift request; temporary: a temporary schedule.
                 * @enum {string}
                 */
                source: 'api' | 'cover' | 'swap' | 'temporary';
                /** @description The shift request or temporary schedule it belongs to. */
                sourceId: number | null;
              };
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/schedules/{id}/overrides/{overrideId}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /**
     * Remove an override
     * @description The same people as may add one.
     */
    delete: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
          overrideId: number;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/schedules/{id}/events': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The schedule's timeline, newest first: every override added or removed, shift request and temporary schedule, and by whom */
    get: {
      parameters: {
        query?: {
          limit?: number;
          /** @description Return events with a smaller id (next page). */
          before?: number;
        };
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              schedule: string;
              events: {
                id: number;
                at: string;
                /** @description override.created, override.deleted, request.created, request.accepted, request.declined, request.canceled, request.expired, temporary.created or temporary.deleted */
                kind: string;
                /** @description Who made the change: a user id, or an API token name. */
                actor: string;
                message: string;
                data: {
                  [key: string]: unknown;
                };
              }[];
              nextBefore: number | null;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/escalation-policies': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Escalation policies, which tiers use them, and whom each step pages now */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/maintenance': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Maintenance windows that have not ended */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              windows: {
                id: number;
                service: string;
                from: string;
                to: string;
                reason: string;
                createdBy: string;
              }[];
            };
          };
        };
      };
    };
    put?: never;
    /** Start a maintenance window: alerts are recorded, nobody is paged */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            service: string;
            /** Format: date-time */
            from?: string;
            /** Format: date-time */
            to: string;
            /** @default  */
            reason?: string;
          };
        };
      };
      responses: {
        /** @description Default Response */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              window: {
                id: number;
                service: string;
                from: string;
                to: string;
                reason: string;
                createdBy: string;
              };
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/maintenance/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /** End a maintenance window now */
    delete: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: number;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/me/devices': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The signed-in person's browsers enabled for push, and the VAPID key to subscribe with */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @description null: no webpush provider is configured. */
              vapidPublicKey: string | null;
              devices: {
                id: number;
                name: string;
                service: string;
                createdAt: string;
                lastUsedAt: string | null;
                lastError: string | null;
              }[];
            };
          };
        };
      };
    };
    put?: never;
    /** Register this browser's push subscription for the signed-in person */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            /** @description What the person calls this device, e.g. "Chrome on Android". */
            name: string;
            subscription: {
              /** Format: uri */
              endpoint: string;
              expirationTime?: number | null;
              keys: {
                p256dh: string;
                auth: string;
              };
            };
          };
        };
      };
      responses: {
        /** @description Default Response */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              device: {
                id: number;
                name: string;
                service: string;
                createdAt: string;
                lastUsedAt: string | null;
                lastError: string | null;
              };
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/me/devices/{deviceId}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /** Stop sending push notifications to one of my devices */
    delete: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          deviceId: number;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/me/devices/{deviceId}/test': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Send a test push notification to one of my devices */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          deviceId: number;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        202: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @enum {boolean} */
              queued: true;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/ingest/alertmanager': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Alertmanager webhook (webhook_configs, payload version 4) */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      /** @description Alertmanager webhook payload, version 4 */
      requestBody: {
        content: {
          'application/json': {
            /** @enum {string} */
            version: '4';
            groupKey?: string;
            truncatedAlerts?: number;
            /** @enum {string} */
            status: 'firing' | 'resolved';
            receiver?: string;
            /** @default {} */
            groupLabels?: {
              [key: string]: string;
            };
            /** @default {} */
            commonLabels?: {
              [key: string]: string;
            };
            /** @default {} */
            commonAnnotations?: {
              [key: string]: string;
            };
            externalURL?: string;
            alerts: {
              /** @enum {string} */
              status: 'firing' | 'resolved';
              labels: {
                [key: string]: string;
              };
              /** @default {} */
              annotations?: {
                [key: string]: string;
              };
              startsAt?: string;
              endsAt?: string;
              generatorURL?: string;
              fingerprint?: string;
            }[];
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              accepted: number;
              results: {
                dedupKey: string;
                outcome: string;
                incidentId: number | null;
                tier: string | null;
              }[];
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/ingest/grafana': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Grafana alerting webhook contact point */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      /** @description Grafana alerting webhook payload */
      requestBody: {
        content: {
          'application/json': {
            version?: string;
            orgId?: number;
            title?: string;
            state?: string;
            message?: string;
            groupKey?: string;
            truncatedAlerts?: number;
            /** @enum {string} */
            status: 'firing' | 'resolved';
            receiver?: string;
            /** @default {} */
            groupLabels?: {
              [key: string]: string;
            };
            /** @default {} */
            commonLabels?: {
              [key: string]: string;
            };
            /** @default {} */
            commonAnnotations?: {
              [key: string]: string;
            };
            externalURL?: string;
            alerts: {
              /** @enum {string} */
              status: 'firing' | 'resolved';
              labels: {
                [key: string]: string;
              };
              /** @default {} */
              annotations?: {
                [key: string]: string;
              };
              startsAt?: string;
              endsAt?: string;
              generatorURL?: string;
              fingerprint?: string;
              values?: {
                [key: string]: unknown;
              } | null;
              valueString?: string;
              silenceURL?: string;
              dashboardURL?: string;
              panelURL?: string;
              imageURL?: string;
            }[];
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              accepted: number;
              results: {
                dedupKey: string;
                outcome: string;
                incidentId: number | null;
                tier: string | null;
              }[];
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v2/enqueue': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** PagerDuty Events API v2 compatible event intake; routing_key is a Klaxon integration key */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      /** @description PagerDuty Events API v2 event */
      requestBody: {
        content: {
          'application/json': {
            routing_key: string;
            /** @enum {string} */
            event_action: 'trigger' | 'acknowledge' | 'resolve';
            dedup_key?: string;
            payload?: {
              summary: string;
              source: string;
              /** @enum {string} */
              severity: 'critical' | 'error' | 'warning' | 'info';
              timestamp?: string;
              component?: string;
              group?: string;
              class?: string;
              custom_details?: unknown;
            };
            images?: {
              src: string;
              href?: string;
              alt?: string;
            }[];
            links?: {
              href: string;
              text?: string;
            }[];
            client?: string;
            client_url?: string;
          };
        };
      };
      responses: {
        /** @description Default Response */
        202: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @enum {string} */
              status: 'success';
              message: string;
              dedup_key: string;
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              status: string;
              message: string;
              errors: string[];
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/ingest/sns': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Amazon SNS HTTPS subscription: CloudWatch alarms and EventBridge events (docs/aws.md)
     * @description Pass the integration key as ?key=. Every message must carry a valid SNS signature; subscription confirmations are confirmed by visiting the SubscribeURL.
     */
    post: {
      parameters: {
        query?: {
          /** @description The integration key (source: sns). */
          key?: string;
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      /** @description Amazon SNS message (HTTP/HTTPS delivery, JSON sent as text/plain) */
      requestBody: {
        content: {
          'text/plain': {
            /** @enum {string} */
            Type: 'Notification' | 'SubscriptionConfirmation' | 'UnsubscribeConfirmation';
            MessageId: string;
            TopicArn: string;
            Subject?: string | null;
            Message: string;
            Timestamp: string;
            SignatureVersion: string;
            Signature: string;
            SigningCertURL: string;
            SubscribeURL?: string;
            Token?: string;
            UnsubscribeURL?: string;
            MessageAttributes?: {
              [key: string]: unknown;
            };
          };
          'application/json': {
            /** @enum {string} */
            Type: 'Notification' | 'SubscriptionConfirmation' | 'UnsubscribeConfirmation';
            MessageId: string;
            TopicArn: string;
            Subject?: string | null;
            Message: string;
            Timestamp: string;
            SignatureVersion: string;
            Signature: string;
            SigningCertURL: string;
            SubscribeURL?: string;
            Token?: string;
            UnsubscribeURL?: string;
            MessageAttributes?: {
              [key: string]: unknown;
            };
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @enum {string} */
              type: 'Notification' | 'SubscriptionConfirmation' | 'UnsubscribeConfirmation';
              /** @description Alerts stored (0 or 1). */
              accepted: number;
              results: {
                dedupKey: string;
                outcome: string;
                incidentId: number | null;
                tier: string | null;
              }[];
              /** @description SubscriptionConfirmation: the SubscribeURL was visited. */
              confirmed?: boolean;
              subscriptionArn?: string | null;
              /**
               * @description A Notification that opened nothing, and why.
               * @enum {string}
               */
              ignored?: 'insufficient_data' | 'unmatched_event' | 'unrecognized';
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/a/{incident}/{token}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** An action link: a confirmation page (HTML) or what POST would do (JSON); never acts */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          incident: number;
          token: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @enum {boolean} */
              ok: true;
              /** @enum {string} */
              action: 'acknowledge' | 'resolve';
              incident: {
                id: number;
                state: string;
              };
              /** @description Who the change is recorded as: `<channel>:<user id>`, e.g. `push:alice`. */
              actor: string;
              message: string;
            };
          };
        };
      };
    };
    put?: never;
    /** Use an action link: acknowledge or resolve as the person it was sent to, once */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          incident: number;
          token: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @enum {boolean} */
              ok: true;
              /** @enum {string} */
              action: 'acknowledge' | 'resolve';
              incident: {
                id: number;
                state: string;
              };
              /** @description Who the change is recorded as: `<channel>:<user id>`, e.g. `push:alice`. */
              actor: string;
              message: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
}
export type webhooks = Record<string, never>;
export interface components {
  schemas: never;
  responses: never;
  parameters: never;
  requestBodies: never;
  headers: never;
  pathItems: never;
}
export type $defs = Record<string, never>;
export type operations = Record<string, never>;
