package api

// routes is the route table: every path the API serves. The OpenAPI document
// (openapi.json) describes exactly these; TestOpenAPICoversRoutes keeps them in step.
func (a *API) routes() []Route {
	const g = "/v1.0/myorg/groups/{groupId}"
	routes := []Route{
		{Method: "GET", Path: "/healthz", Public: true, handler: a.healthz},
		{Method: "GET", Path: "/readyz", Public: true, handler: a.readyz},
		{Method: "GET", Path: "/openapi.json", Public: true, handler: a.openapi},

		{Method: "GET", Path: "/v1.0/myorg/capacities", handler: a.listCapacities},
		{Method: "POST", Path: "/v1.0/myorg/capacities", handler: a.createCapacity},
		{Method: "GET", Path: "/v1.0/myorg/capacities/{capacityId}", handler: a.getCapacity},
		{Method: "PATCH", Path: "/v1.0/myorg/capacities/{capacityId}", handler: a.updateCapacity},
		{Method: "POST", Path: "/v1.0/myorg/capacities/{capacityId}/suspend", handler: a.suspendCapacity},
		{Method: "POST", Path: "/v1.0/myorg/capacities/{capacityId}/resume", handler: a.resumeCapacity},
		{Method: "GET", Path: "/v1.0/myorg/capacities/{capacityId}/load", handler: a.capacityLoad},
		{Method: "GET", Path: "/v1.0/myorg/datasets", handler: a.listReadableDatasets},

		{Method: "GET", Path: "/v1.0/myorg/groups", handler: a.listGroups},
		{Method: "POST", Path: "/v1.0/myorg/groups", handler: a.createGroup},
		{Method: "GET", Path: g, handler: a.getGroup},
		{Method: "PATCH", Path: g, handler: a.updateGroup},
		{Method: "DELETE", Path: g, handler: a.deleteGroup},
		{Method: "POST", Path: g + "/AssignToCapacity", handler: a.assignToCapacity},
		{Method: "GET", Path: g + "/CapacityAssignmentStatus", handler: a.capacityAssignmentStatus},
		{Method: "GET", Path: g + "/users", handler: a.listGroupUsers},
		{Method: "POST", Path: g + "/users", handler: a.putGroupUser},
		{Method: "PUT", Path: g + "/users", handler: a.putGroupUser},
		{Method: "DELETE", Path: g + "/users/{user}", handler: a.deleteGroupUser},

		{Method: "GET", Path: g + "/datasets", handler: a.listDatasets},
		{Method: "POST", Path: g + "/datasets", handler: a.createDataset},
		{Method: "GET", Path: g + "/datasets/{datasetId}", handler: a.getDataset},
		{Method: "DELETE", Path: g + "/datasets/{datasetId}", handler: a.deleteDataset},
		{Method: "GET", Path: g + "/datasets/{datasetId}/definition", handler: a.getDatasetDefinition},
		{Method: "PUT", Path: g + "/datasets/{datasetId}/definition", handler: a.putDatasetDefinition},
		{Method: "GET", Path: g + "/datasets/{datasetId}/tables", handler: a.listTables},
		{Method: "POST", Path: g + "/datasets/{datasetId}/tables/{tableName}/rows", handler: a.pushRows},
		{Method: "DELETE", Path: g + "/datasets/{datasetId}/tables/{tableName}/rows", handler: a.deleteRows},
		{Method: "POST", Path: g + "/datasets/{datasetId}/tables/{tableName}/import", handler: a.importTable},
		{Method: "GET", Path: g + "/datasets/{datasetId}/users", handler: a.listDatasetUsers},
		{Method: "POST", Path: g + "/datasets/{datasetId}/users", handler: a.putDatasetUser},
		{Method: "PUT", Path: g + "/datasets/{datasetId}/users", handler: a.putDatasetUser},
		{Method: "DELETE", Path: g + "/datasets/{datasetId}/users/{user}", handler: a.deleteDatasetUser},

		{Method: "GET", Path: g + "/reports", handler: a.listReports},
		{Method: "POST", Path: g + "/reports", handler: a.createReport},
		{Method: "GET", Path: g + "/reports/{reportId}", handler: a.getReport},
		{Method: "DELETE", Path: g + "/reports/{reportId}", handler: a.deleteReport},
		{Method: "GET", Path: g + "/reports/{reportId}/definition", handler: a.getReportDefinition},
		{Method: "PUT", Path: g + "/reports/{reportId}/definition", handler: a.putReportDefinition},
		{Method: "GET", Path: g + "/reports/{reportId}/pages", handler: a.listPages},
		{Method: "POST", Path: g + "/reports/{reportId}/Clone", handler: a.cloneReport},
		{Method: "POST", Path: g + "/reports/{reportId}/Rebind", handler: a.rebindReport},
		{Method: "POST", Path: g + "/reports/{reportId}/CheckCompatibility", handler: a.checkCompatibility},
		{Method: "POST", Path: g + "/reports/{reportId}/GenerateToken", handler: a.generateReportToken},
		{Method: "POST", Path: g + "/reports/{reportId}/Explain", handler: a.explain},

		{Method: "POST", Path: "/v1.0/myorg/GenerateToken", handler: a.generateToken},
		{Method: "GET", Path: "/v1.0/myorg/embedTokens", handler: a.listEmbedTokens},
		{Method: "GET", Path: "/v1.0/myorg/embedTokens/{tokenId}", handler: a.getEmbedToken},
		{Method: "POST", Path: "/v1.0/myorg/embedTokens/{tokenId}/Revoke", handler: a.revokeEmbedToken},
		{Method: "POST", Path: "/v1.0/myorg/admin/signingKeys/rotate", handler: a.rotateSigningKeys},
	}
	if a.opts.Principals != nil {
		for _, rt := range a.opts.Principals.Routes() {
			routes = append(routes, Route{Method: rt.Method, Path: rt.Path, handler: rt.Handle})
		}
	}
	return routes
}
