// The API rows of a client's model: setting and removing a live model, and the model's report.
import AnnolabCore
import Foundation

extension APIRoutes {
    static let model: [APIRoute] = [
        APIRoute(.put, "/api/v1/projects/{id}/model", "setModel",
                 "Connect a live model that speaks Label Studio's ML backend protocol: the lab checks /health, sends /setup with a read-only media token for this project, and fetches predictions in the background for the pictures waiting.",
                 .role(.client), body: .json(ModelRoutes.ModelRequest.self),
                 answer: .json(200, .encoded(ModelView.self), "The model as the lab now uses it."),
                 errors: [409: "The project was not made to start from predictions (no_preannotations).",
                          422: "An address that is not http(s), or a model that cannot be reached or set up (the reason in plain words)."]),
        APIRoute(.delete, "/api/v1/projects/{id}/model", "removeModel",
                 "Remove the live model: its media token stops working at once; pictures waiting for it get their work without predictions.",
                 .role(.client), answer: .empty(204, "Removed.")),
        APIRoute(.get, "/api/v1/projects/{id}/model/report", "modelReport",
                 "How the model did against the lab's consensus on the finished files: precision, recall and F1 per label (IoU >= 0.5 for boxes), calibration, the items it got most wrong, and the lab hours verifying saved.",
                 .role(.client), answer: .json(200, .encoded(ModelReport.self)),
                 errors: [404: "The project has no predictions yet (no_predictions)."]),
    ]
}
