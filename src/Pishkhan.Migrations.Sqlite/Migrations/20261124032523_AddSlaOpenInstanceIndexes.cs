using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pishkhan.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class AddSlaOpenInstanceIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_SlaInstances_CalendarId_IsOpen",
                table: "SlaInstances");

            migrationBuilder.DropIndex(
                name: "IX_SlaInstances_PolicyId_IsOpen",
                table: "SlaInstances");

            migrationBuilder.CreateIndex(
                name: "IX_SlaInstances_Open_CalendarId_CalendarVersion",
                table: "SlaInstances",
                columns: new[] { "CalendarId", "CalendarVersion" },
                filter: "\"IsOpen\"");

            migrationBuilder.CreateIndex(
                name: "IX_SlaInstances_Open_PolicyId_CalendarId",
                table: "SlaInstances",
                columns: new[] { "PolicyId", "CalendarId" },
                filter: "\"IsOpen\"");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_SlaInstances_Open_CalendarId_CalendarVersion",
                table: "SlaInstances");

            migrationBuilder.DropIndex(
                name: "IX_SlaInstances_Open_PolicyId_CalendarId",
                table: "SlaInstances");

            migrationBuilder.CreateIndex(
                name: "IX_SlaInstances_CalendarId_IsOpen",
                table: "SlaInstances",
                columns: new[] { "CalendarId", "IsOpen" });

            migrationBuilder.CreateIndex(
                name: "IX_SlaInstances_PolicyId_IsOpen",
                table: "SlaInstances",
                columns: new[] { "PolicyId", "IsOpen" });
        }
    }
}
